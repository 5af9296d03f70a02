// Writes AzureAssignedIdentities through the CRD client and tells the overlay what it wrote.
import { ASSIGNED_IDENTITY_FINALIZER, type AzureAssignedIdentity } from '@pod-identity/crd-types';
import { isNotFound, type CrdClient } from '@pod-identity/kube';
import type { Clock } from '@pod-identity/platform';
import type { AssignedIdentityWriter, AssignedStatusUpdate } from '../apply/ports';
import type { ObjectRef } from '../plan/model';
import type { WriteOverlay } from './overlay';

export class KubeAssignedIdentityWriter implements AssignedIdentityWriter {
  constructor(
    private readonly client: CrdClient<'AzureAssignedIdentity'>,
    private readonly overlay: WriteOverlay,
    private readonly clock: Clock,
  ) {}

  async create(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity> {
    const stamped = { ...obj, status: { ...obj.status, lastTransitionTime: this.now() } };
    const created = await this.client.create(stamped);
    this.overlay.written(created);
    return created;
  }

  async update(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity> {
    const updated = await this.client.update(obj);
    this.overlay.written(updated);
    return updated;
  }

  async setStatus(ref: ObjectRef, update: AssignedStatusUpdate): Promise<void> {
    const status = {
      status: update.status,
      reason: update.reason ?? null,
      message: update.message ?? null,
      lastTransitionTime: this.now(),
      availableReplicas: 1,
    };
    try {
      this.overlay.written(await this.client.mergePatch(ref.namespace, ref.name, { status }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  async remove(obj: AzureAssignedIdentity): Promise<void> {
    const meta = obj.metadata ?? {};
    const ns = meta.namespace ?? '';
    const name = meta.name ?? '';
    const remaining = (meta.finalizers ?? []).filter((f) => f !== ASSIGNED_IDENTITY_FINALIZER);
    try {
      const patched = await this.client.mergePatch(ns, name, {
        metadata: { finalizers: remaining.length > 0 ? remaining : null },
        status: { status: 'Unassigned', lastTransitionTime: this.now() },
      });
      const after = patched.metadata ?? {};
      if (!after.deletionTimestamp) await this.client.delete(ns, name, { preconditions: { uid: after.uid } });
      this.overlay.deleted(ns, name, after.resourceVersion);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.overlay.deleted(ns, name);
    }
  }

  private now(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}
