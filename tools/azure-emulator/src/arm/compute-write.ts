// PUT / PATCH of VMs and scale sets: identity merge, linked authorization, conflicts, the async operation.
import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from '../core';
import { header, type EmuResponse } from '../http/types';
import { idKey, VM_TYPE, VMSS_TYPE } from '../state/arm-id';
import type { AssignedIdentity, ComputeResource, ResourceIdentity } from '../state/model';
import { applySeed } from '../state/seed';
import { type ArmContext, checkScope, failure, isArmFailure, parseJsonBody } from './context';
import { computeView, findCompute, isResponse, operationDuration } from './compute-read';
import { type ArmFailure, armErrors } from './errors';
import { applyIdentityUpdate, type IdentityChange, isIdentityChange } from './identity-update';
import type { ComputeKind } from './paths';

export interface ComputeTarget {
  readonly type: ComputeKind;
  readonly sub: string;
  readonly rg: string;
  readonly name: string;
}

const typeName = (t: ComputeKind): string => (t === 'vm' ? VM_TYPE : VMSS_TYPE);

function currentIdentity(identity: ResourceIdentity): { system: boolean; user: Map<string, string> } {
  return {
    system: identity.system !== undefined,
    user: new Map([...identity.user].map(([k, a]) => [k, a.id])),
  };
}

/** Adds need the assign action on each identity, and the identities must exist. */
function checkAdds(
  ctx: ArmContext,
  resource: ComputeResource,
  change: IdentityChange,
): ArmFailure | undefined {
  const { core, principal } = ctx;
  if (core.options.enforceAssignPermission) {
    const denied = change.added.filter((id) => !core.state.canAssign(principal.objectId, id));
    if (denied.length > 0) {
      return armErrors.linkedAuthorizationFailed(
        principal.appId,
        principal.objectId,
        `${typeName(resource.kind)}/write`,
        resource.id,
        denied,
      );
    }
  }
  const missing = change.added.filter((id) => !core.state.identity(id));
  return missing.length > 0 ? armErrors.failedIdentityOperation(resource.id, missing) : undefined;
}

function applyChange(core: EmulatorCore, resource: ComputeResource, change: IdentityChange): void {
  const now = core.now();
  const previous = resource.identity;
  const user = new Map<string, AssignedIdentity>();
  for (const [key, id] of change.user) user.set(key, previous.user.get(key) ?? { id, assignedAt: now });
  const system = change.system
    ? (previous.system ?? {
        principalId: randomUUID(),
        clientId: randomUUID(),
        tenantId: core.state.tenantOfSubscription(resource.subscriptionId),
        assignedAt: now,
      })
    : undefined;
  resource.identity = { ...(system ? { system } : {}), user };
}

function preconditions(ctx: ArmContext, resource: ComputeResource): ArmFailure | undefined {
  if (resource.deleting) {
    return armErrors.markedForDeletion(
      resource.kind === 'vm' ? 'Virtual Machine' : 'Virtual Machine Scale Set',
      resource.name,
    );
  }
  const ifMatch = header(ctx.req, 'if-match');
  if (ifMatch && ifMatch !== '*' && ifMatch !== `"${resource.etag}"`) return armErrors.preconditionFailed();
  const busy = ctx.core.operations.inFlight(idKey(resource.id), ctx.core.now());
  if (busy && ctx.core.options.conflictOnConcurrentWrite) return armErrors.conflict();
  return undefined;
}

function createFromPut(
  ctx: ArmContext,
  target: ComputeTarget,
  body: Record<string, unknown>,
): ComputeResource | ArmFailure {
  if (header(ctx.req, 'if-match')) return armErrors.preconditionFailed();
  const location = body.location;
  if (typeof location !== 'string' || location === '') {
    return {
      status: 400,
      code: 'LocationRequired',
      message: 'The location property is required for this definition.',
    };
  }
  const core = ctx.core;
  const properties = (body.properties ?? {}) as { osProfile?: { computerName?: string } };
  const sku = (body.sku ?? {}) as { name?: string; capacity?: number };
  const common = { subscription: target.sub, resourceGroup: target.rg, name: target.name, location };
  const seed =
    target.type === 'vm'
      ? { virtualMachines: [{ ...common, computerName: properties.osProfile?.computerName }] }
      : {
          virtualMachineScaleSets: [
            { ...common, sku: sku.name, instances: Math.max(0, Number(sku.capacity ?? 0)) },
          ],
        };
  applySeed(core.state, seed, {
    defaultImdsListen: core.defaultImdsListen,
    defaultLocation: core.defaultLocation,
    now: core.now(),
  });
  const created = findCompute(ctx, target.type, target.sub, target.rg, target.name);
  return isResponse(created) ? armErrors.internal() : created;
}

function asyncHeaders(ctx: ArmContext, resource: ComputeResource, opId: string): Record<string, string> {
  const url =
    `${ctx.req.origin}/subscriptions/${resource.subscriptionId}/providers/Microsoft.Compute/locations/${resource.location}` +
    `/operations/${opId}?p=${randomUUID()}&api-version=${encodeURIComponent(ctx.apiVersion)}`;
  return { 'Azure-AsyncOperation': url, 'Azure-AsyncNotification': 'Enabled' };
}

export async function writeCompute(
  ctx: ArmContext,
  target: ComputeTarget,
  mode: 'put' | 'patch',
): Promise<EmuResponse> {
  const scope = checkScope(ctx.core, target.sub, target.rg);
  if (scope) return failure(scope);
  const body = parseJsonBody(ctx);
  if (isArmFailure(body)) return failure(body);
  const existing = findCompute(ctx, target.type, target.sub, target.rg, target.name);
  if (isResponse(existing) && mode === 'patch') return existing;
  const created = isResponse(existing);
  const resource = created ? createFromPut(ctx, target, body) : existing;
  if (isArmFailure(resource)) return failure(resource);
  if (!created) {
    const blocked = preconditions(ctx, resource);
    if (blocked) return failure(blocked);
  }
  let change: IdentityChange | undefined;
  if (body.identity !== undefined) {
    const result = applyIdentityUpdate(currentIdentity(resource.identity), body.identity, mode);
    if (!isIdentityChange(result)) return failure(result);
    const denied = checkAdds(ctx, resource, result);
    if (denied) return failure(denied);
    change = result;
  }
  return finishWrite(ctx, resource, body, change, created);
}

/** An `operation-failure` fault makes the long-running operation end Failed (and the change not apply). */
function operationError(
  ctx: ArmContext,
  resource: ComputeResource,
): { code: string; message: string } | undefined {
  const fault = ctx.core.faults.take(
    {
      service: 'arm',
      operation: `${typeName(resource.kind)}/write`,
      resource: resource.id,
      method: ctx.req.method,
    },
    'operation',
  )[0];
  if (fault?.type !== 'operation-failure') return undefined;
  return {
    code: fault.code ?? 'OperationPreempted',
    message: fault.message ?? 'Operation execution has been preempted by a more recent operation.',
  };
}

function commit(
  core: EmulatorCore,
  resource: ComputeResource,
  body: Record<string, unknown>,
  change?: IdentityChange,
): void {
  if (change) applyChange(core, resource, change);
  if (body.tags && typeof body.tags === 'object') resource.tags = body.tags as Record<string, string>;
  resource.etag += 1;
  core.counters.write(resource.id);
}

function finishWrite(
  ctx: ArmContext,
  resource: ComputeResource,
  body: Record<string, unknown>,
  change: IdentityChange | undefined,
  created: boolean,
): EmuResponse {
  const core = ctx.core;
  const error = operationError(ctx, resource);
  if (!error) commit(core, resource, body, change);
  const now = core.now();
  const sync = core.options.lroMode === 'sync';
  const op = core.operations.create({
    resourceKey: idKey(resource.id),
    subscriptionId: resource.subscriptionId,
    location: resource.location,
    startTime: now,
    doneAt: now + (sync ? 0 : operationDuration(core, resource.kind)),
    ...(error ? { error } : {}),
  });
  const status = created ? 201 : 200;
  if (sync && !error) return { status, json: computeView(core, resource, 'Succeeded') };
  return {
    status,
    headers: asyncHeaders(ctx, resource, op.id),
    json: computeView(core, resource, created ? 'Creating' : 'Updating'),
  };
}
