// The identities IMDS may serve to a node: those of its VM / VMSS, once the propagation delay has passed.
import { type EmulatorCore, scaled } from '../core';
import type { SimNode } from '../state/model';
import type { AttachedIdentity } from './select';

export interface AttachedView {
  /** Usable now. */
  readonly ready: AttachedIdentity[];
  /** Assigned but still propagating. */
  readonly pending: AttachedIdentity[];
}

export function attachedIdentities(core: EmulatorCore, node: SimNode): AttachedView {
  const now = core.now();
  const delay = scaled(core, core.options.imds.propagationDelayMs);
  const ready: AttachedIdentity[] = [];
  const pending: AttachedIdentity[] = [];
  const { system, user } = node.owner.identity;
  if (system) {
    const entry: AttachedIdentity = {
      kind: 'system',
      clientId: system.clientId,
      principalId: system.principalId,
      resourceId: node.owner.id,
      tenantId: system.tenantId,
    };
    (system.assignedAt + delay <= now ? ready : pending).push(entry);
  }
  for (const assigned of user.values()) {
    const uami = core.state.identity(assigned.id);
    if (!uami) continue; // deleted identities stop working on the VM
    const entry: AttachedIdentity = {
      kind: 'user',
      clientId: uami.clientId,
      principalId: uami.principalId,
      resourceId: uami.id,
      tenantId: uami.tenantId,
    };
    (assigned.assignedAt + delay <= now ? ready : pending).push(entry);
  }
  return { ready, pending };
}
