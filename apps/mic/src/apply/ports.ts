// What the applier needs from the outside world, as narrow interfaces (real adapters in kube/ and
// @pod-identity/azure-arm; in-memory fakes in unit tests).
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { ObjectRef, PlanWarning, TargetRef } from '../plan/model';

export interface AssignedStatusUpdate {
  readonly status: 'Created' | 'Assigned';
  readonly reason?: string;
  readonly message?: string;
}

export interface AssignedIdentityWriter {
  create(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity>;
  /** Replaces spec, labels and annotations (conditional on resourceVersion). */
  update(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity>;
  setStatus(ref: ObjectRef, update: AssignedStatusUpdate): Promise<void>;
  /** Marks Unassigned, removes the finalizer and deletes; a missing object is fine. */
  remove(obj: AzureAssignedIdentity): Promise<void>;
}

export interface LedgerReadOptions {
  /** Read the stored record even when this process already knows it (asked for before any removal). */
  readonly fresh?: boolean;
}

/** Durable record of the identities MIC itself added to each VM/VMSS (docs/adr/0005). */
export interface LedgerStore {
  /** The recorded ids; without `fresh`, what this process last read or wrote may answer. */
  get(target: TargetRef, options?: LedgerReadOptions): Promise<ReadonlySet<string>>;
  set(target: TargetRef, ids: readonly string[]): Promise<void>;
}

export type EventSeverity = 'Normal' | 'Warning';

/** Kubernetes Events about assignments (aggregated per binding; Warnings also on the pod). */
export interface AssignmentEvents {
  /** Notes one assignment's event; it may be held until `flush`. */
  emit(obj: AzureAssignedIdentity, severity: EventSeverity, reason: string, message: string): void;
  /** Ends a batch (a target's settlement, a sync's immediate creates): sends what `emit` held and is due. */
  flush(): void;
  /** A planner warning (missing identity, namespaced rule, ...), reported once while it lasts. */
  warn(warning: PlanWarning): void;
}
