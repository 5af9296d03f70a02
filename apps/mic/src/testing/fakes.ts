// In-memory fakes of MIC's ports for unit tests.
import {
  ArmError,
  applyDelta,
  toIdentityState,
  type ComputeIdentityPort,
  type ComputeRef,
  type IdentityDelta,
  type IdentityState,
} from '@pod-identity/azure-arm';
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type {
  AssignedIdentityWriter,
  AssignedStatusUpdate,
  AssignmentEvents,
  EventSeverity,
  LedgerReadOptions,
  LedgerStore,
} from '../apply/ports';
import type { ObjectRef, PlanWarning, TargetRef } from '../plan/model';

export class FakeArm implements ComputeIdentityPort {
  readonly states = new Map<string, IdentityState>();
  readonly patches: Array<{ name: string; delta: IdentityDelta }> = [];
  gets = 0;
  /** Ids ARM refuses with LinkedAuthorizationFailed. */
  readonly refused = new Set<string>();
  /** Next calls fail with these errors, in order. */
  readonly failures: ArmError[] = [];

  state(name: string): IdentityState {
    return this.states.get(name) ?? toIdentityState(undefined);
  }

  async getIdentities(ref: ComputeRef): Promise<IdentityState> {
    this.gets++;
    const f = this.failures.shift();
    if (f) throw f;
    return this.state(ref.name);
  }

  async updateIdentities(
    ref: ComputeRef,
    current: IdentityState,
    delta: IdentityDelta,
  ): Promise<IdentityState> {
    this.patches.push({ name: ref.name, delta });
    const f = this.failures.shift();
    if (f) throw f;
    const refused = delta.add.filter((id) => this.refused.has(id));
    if (refused.length > 0) {
      throw new ArmError({
        kind: 'linked-authorization',
        statusCode: 403,
        code: 'LinkedAuthorizationFailed',
        message: `no assign/action on the linked scope(s) '${refused.join(',')}'`,
        identityIds: refused,
      });
    }
    const next = applyDelta(current, delta);
    this.states.set(ref.name, next);
    return next;
  }
}

export class FakeLedger implements LedgerStore {
  readonly data = new Map<string, Set<string>>();
  writes = 0;
  /** Reads that asked for the stored record (LedgerReadOptions.fresh). */
  freshReads = 0;

  async get(target: TargetRef, options: LedgerReadOptions = {}): Promise<ReadonlySet<string>> {
    if (options.fresh) this.freshReads++;
    return new Set(this.data.get(target.key) ?? []);
  }

  async set(target: TargetRef, ids: readonly string[]): Promise<void> {
    this.writes++;
    this.data.set(target.key, new Set(ids));
  }
}

export class FakeWriter implements AssignedIdentityWriter {
  readonly objects = new Map<string, AzureAssignedIdentity>();
  readonly statuses: Array<{ ref: ObjectRef; update: AssignedStatusUpdate }> = [];
  readonly removed: string[] = [];

  private key(ns?: string, name?: string): string {
    return `${ns ?? ''}/${name ?? ''}`;
  }

  async create(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity> {
    this.objects.set(this.key(obj.metadata?.namespace, obj.metadata?.name), obj);
    return obj;
  }

  async update(obj: AzureAssignedIdentity): Promise<AzureAssignedIdentity> {
    return this.create(obj);
  }

  async setStatus(ref: ObjectRef, update: AssignedStatusUpdate): Promise<void> {
    this.statuses.push({ ref, update });
  }

  async remove(obj: AzureAssignedIdentity): Promise<void> {
    const k = this.key(obj.metadata?.namespace, obj.metadata?.name);
    this.objects.delete(k);
    this.removed.push(k);
  }
}

export class FakeEvents implements AssignmentEvents {
  readonly emitted: Array<{ severity: EventSeverity; reason: string; message: string }> = [];
  readonly warnings: PlanWarning[] = [];
  /** Events emitted since the last flush (a batch left open would never be sent). */
  unflushed = 0;

  emit(_obj: AzureAssignedIdentity, severity: EventSeverity, reason: string, message: string): void {
    this.emitted.push({ severity, reason, message });
    this.unflushed++;
  }

  flush(): void {
    this.unflushed = 0;
  }

  warn(warning: PlanWarning): void {
    this.warnings.push(warning);
  }
}

export const silentLogger = {
  info: (): void => undefined,
  warn: (): void => undefined,
  debug: (): void => undefined,
  error: (): void => undefined,
};
