// Puts federated identities' credentials in place and tells their assignments (docs/adr/0010). Per
// user-assigned identity: list its credentials, delete the ledgered ones nobody needs, create the missing
// ones (management on), then mark waiting assignments Assigned, or say why they wait. Identities run in
// parallel up to a limit, one operation per identity at a time (ARM refuses concurrent credential writes
// to one identity). Like the VM applier it never blocks the sync: work is dispatched and wakes the loop.
import { ArmError, classifyArmError, type FederatedCredentialPort } from '@pod-identity/azure-arm';
import { parseUserAssignedIdentityId } from '@pod-identity/domain';
import { backoffDelay, type Clock, type Logger } from '@pod-identity/platform';
import type { AssignedLookup } from '../apply/applier';
import { KeyedWork, KeyedWorkOwner } from '../apply/keyed-work';
import { Limiter } from '../apply/limiter';
import type { AssignedIdentityWriter, AssignmentEvents } from '../apply/ports';
import { objectRef, refKey } from '../plan/existing';
import type { ObjectRef } from '../plan/model';
import type { FederatedLedger } from '../kube/federated-ledger-store';
import { federatedCredentialName } from './credential-name';
import { type Decision, decideCredentials, type SubjectDecision } from './decide';
import { armWaitReason, ISSUER_UNSET, subjectWaitReason, type WaitReason } from './messages';
import { type FederatedIdentityPlan, type FederationSettings, federatedKey } from './model';

export interface FederatedApplierDeps {
  readonly port: FederatedCredentialPort;
  readonly ledger: FederatedLedger;
  readonly writer: Pick<AssignedIdentityWriter, 'setStatus'>;
  readonly events: Pick<AssignmentEvents, 'emit' | 'flush'>;
  readonly settings: FederationSettings;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
  /** Time to sync again (a credential came into place, a wait ended). */
  readonly wake: (reason: string) => void;
  /** Identities worked on at once. */
  readonly concurrency: number;
  /** First retry delay of an identity that failed or still waits; doubles up to retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs?: number;
}

interface RunResult {
  readonly result: 'done' | 'waiting' | 'failed';
  /** failed: ARM's Retry-After; waiting: when the credentials MIC just created count as in place. */
  readonly retryAfterMs?: number;
}

const DEFAULT_RETRY_MAX_MS = 300_000;

export class FederatedApplier extends KeyedWorkOwner {
  private readonly readyKeys = new Set<string>();
  /** Credentials MIC created, by key: when they count as in place (--federated-credential-settle). */
  private readonly settling = new Map<string, number>();
  protected readonly work: KeyedWork;
  private readonly failures = new Map<string, number>();
  /** Last wait reason reported per assignment, so a persisting one gives one Event, not one per run. */
  private readonly reported = new Map<string, string>();
  private readonly limiter: Limiter;

  constructor(private readonly deps: FederatedApplierDeps) {
    super();
    this.limiter = new Limiter(deps.concurrency);
    this.work = new KeyedWork(deps.clock, deps.wake);
  }

  /** Credentials known to be in place, as federatedKey(identityId, subject): the planner's input. */
  ready(): ReadonlySet<string> {
    const now = this.deps.clock.now();
    for (const [key, at] of this.settling) {
      if (at > now) continue;
      this.settling.delete(key);
      this.readyKeys.add(key);
    }
    return this.readyKeys;
  }

  /** Dispatches every identity with something to do; `drift`: every identity, to re-check its credentials. */
  async apply(
    plans: readonly FederatedIdentityPlan[],
    lookup: AssignedLookup,
    drift = false,
  ): Promise<number> {
    let dispatched = 0;
    for (const plan of await this.withLedgered(plans)) {
      const id = plan.identityId;
      if (this.work.running(id) || this.work.waiting(id)) continue;
      if (!drift && !(await this.hasWork(plan))) continue;
      dispatched++;
      const task = this.limiter
        .run(() => this.run(plan, lookup))
        .finally(() => this.deps.events.flush())
        .then((r) => this.schedule(id, r))
        .catch((err: unknown) => {
          this.deps.logger.error({ identity: id, err }, 'federated credential operation crashed');
          this.schedule(id, { result: 'failed' });
        });
      this.work.track(id, task);
    }
    return dispatched;
  }

  /** Identities the ledger names but no plan does (their last assignment went while MIC was away). */
  private async withLedgered(plans: readonly FederatedIdentityPlan[]): Promise<FederatedIdentityPlan[]> {
    const known = new Set(plans.map((p) => p.identityId));
    const extra: FederatedIdentityPlan[] = [];
    for (const id of await this.deps.ledger.identities()) {
      const parsed = parseUserAssignedIdentityId(id);
      if (known.has(id) || !parsed) continue;
      extra.push({
        identityId: id,
        coordinates: {
          subscriptionId: parsed.subscriptionId,
          resourceGroup: parsed.resourceGroup,
          name: parsed.name,
        },
        subjects: [],
      });
    }
    return [...plans, ...extra];
  }

  private async hasWork(plan: FederatedIdentityPlan): Promise<boolean> {
    // Created assignments wait for a confirmation even when the credential is known to be in place.
    const waiting = plan.subjects.some(
      (s) =>
        s.confirm.length > 0 ||
        (s.switching.length > 0 && !this.readyKeys.has(federatedKey(plan.identityId, s.subject))),
    );
    if (waiting) return true;
    const issuer = this.deps.settings.issuer;
    if (!issuer) return false;
    const expected = new Set(
      plan.subjects.map((s) => federatedCredentialName(issuer, s.namespace, s.serviceAccount)),
    );
    return [...(await this.deps.ledger.get(plan.identityId))].some((name) => !expected.has(name));
  }

  private async run(plan: FederatedIdentityPlan, lookup: AssignedLookup): Promise<RunResult> {
    const issuer = this.deps.settings.issuer;
    if (!issuer) {
      await this.reportAll(plan, lookup, ISSUER_UNSET);
      return { result: 'waiting' };
    }
    try {
      const listed = await this.deps.port.list(plan.coordinates);
      const ledgered = await this.deps.ledger.get(plan.identityId);
      const decision = decideCredentials({
        plan,
        listed,
        ledger: ledgered,
        issuer,
        manage: this.deps.settings.manage,
      });
      await this.cleanUp(plan, decision, ledgered);
      await this.create(plan, decision);
      return await this.conclude(plan, decision, lookup, issuer);
    } catch (err) {
      const classified = err instanceof ArmError ? err.classified : classifyArmError(err);
      this.deps.logger.warn(
        { identity: plan.identityId, kind: classified.kind, code: classified.code, err },
        'federated credentials could not be read or written; MIC retries',
      );
      await this.reportAll(plan, lookup, armWaitReason(plan, classified));
      return { result: 'failed', retryAfterMs: classified.retryAfterMs };
    }
  }

  /** Ledgered credentials nobody needs go first (freeing slots); names already gone leave the ledger. */
  private async cleanUp(
    plan: FederatedIdentityPlan,
    decision: Decision,
    ledgered: ReadonlySet<string>,
  ): Promise<void> {
    const names = new Set(ledgered);
    for (const name of decision.prune) names.delete(name);
    for (const name of decision.remove) {
      await this.deps.port.remove(plan.coordinates, name);
      names.delete(name);
      this.deps.logger.info(
        { identity: plan.identityId, credential: name },
        'federated credential MIC created is no longer needed: deleted',
      );
    }
    if (names.size !== ledgered.size) await this.deps.ledger.set(plan.identityId, [...names]);
  }

  /** Write-ahead: a name is in the ledger before its credential exists, so MIC never forgets one it created. */
  private async create(plan: FederatedIdentityPlan, decision: Decision): Promise<void> {
    for (const credential of decision.create) {
      const names = new Set(await this.deps.ledger.get(plan.identityId));
      names.add(credential.name);
      await this.deps.ledger.set(plan.identityId, [...names]);
      await this.deps.port.put(plan.coordinates, credential);
      const key = federatedKey(plan.identityId, credential.subject);
      this.settling.set(key, this.deps.clock.now() + this.deps.settings.settleMs);
      this.deps.logger.info(
        { identity: plan.identityId, credential: credential.name, subject: credential.subject },
        'federated credential created',
      );
    }
  }

  /** Records what is in place, marks waiting assignments Assigned, or says why they wait. */
  private async conclude(
    plan: FederatedIdentityPlan,
    decision: Decision,
    lookup: AssignedLookup,
    issuer: string,
  ): Promise<RunResult> {
    const before = this.readyKeys.size;
    const now = this.deps.clock.now();
    let waiting = false;
    let settling = 0;
    for (const subject of decision.subjects) {
      const key = federatedKey(plan.identityId, subject.need.subject);
      const settlesAt = this.settling.get(key);
      const inPlace = subject.state === 'present' || subject.state === 'create';
      if (inPlace && (settlesAt === undefined || settlesAt <= now)) {
        this.settling.delete(key);
        this.readyKeys.add(key);
        await this.confirm(plan, subject, lookup);
        continue;
      }
      this.readyKeys.delete(key);
      const why = subjectWaitReason(plan, subject, issuer, decision.count);
      if (why) {
        await this.report(
          [...subject.need.confirm, ...subject.need.switching],
          lookup,
          why,
          subject.need.switching,
        );
        waiting = true;
      } else settling = Math.max(settling, (settlesAt ?? now) - now);
    }
    if (this.readyKeys.size > before)
      this.deps.wake(`federated credentials of ${plan.coordinates.name} in place`);
    if (waiting) return { result: 'waiting' };
    return settling > 0 ? { result: 'waiting', retryAfterMs: settling } : { result: 'done' };
  }

  private async confirm(
    plan: FederatedIdentityPlan,
    subject: SubjectDecision,
    lookup: AssignedLookup,
  ): Promise<void> {
    for (const ref of subject.need.confirm) {
      const obj = lookup(ref);
      if (!obj) continue;
      this.reported.delete(refKey(ref));
      await this.deps.writer.setStatus(ref, { status: 'Assigned' });
      this.deps.events.emit(
        obj,
        'Normal',
        'IdentityAssigned',
        `federated identity credential ${subject.name} of ${plan.coordinates.name} trusts ${subject.need.subject} (no VM changed)`,
      );
    }
  }

  private async reportAll(
    plan: FederatedIdentityPlan,
    lookup: AssignedLookup,
    why: WaitReason,
  ): Promise<void> {
    const switching = plan.subjects.flatMap((s) => s.switching);
    await this.report([...plan.subjects.flatMap((s) => s.confirm), ...switching], lookup, why, switching);
  }

  /**
   * Waiting assignments get status.reason/message (Created) and one Warning Event per new reason. Objects
   * still serving from the VM while they switch keep their status: they only get the Event.
   */
  private async report(
    refs: readonly ObjectRef[],
    lookup: AssignedLookup,
    why: WaitReason,
    statusKept: readonly ObjectRef[] = [],
  ): Promise<void> {
    const kept = new Set(statusKept.map(refKey));
    for (const ref of refs) {
      const obj = lookup(ref);
      const key = refKey(ref);
      const said = `${why.reason}|${why.message}`;
      if (!obj || this.reported.get(key) === said) continue;
      this.reported.set(key, said);
      if (!kept.has(key) && (obj.status?.reason !== why.reason || obj.status?.message !== why.message)) {
        await this.deps.writer.setStatus(objectRef(obj), {
          status: 'Created',
          reason: why.reason,
          message: why.message,
        });
      }
      this.deps.events.emit(obj, 'Warning', why.reason, why.message);
    }
  }

  private schedule(id: string, run: RunResult): void {
    if (run.result === 'done') {
      this.failures.delete(id);
      this.work.clear(id);
      return;
    }
    // Only settling: due exactly when the new credentials count, no backoff.
    if (run.result === 'waiting' && run.retryAfterMs !== undefined) {
      this.work.later(id, run.retryAfterMs, `federated identity ${id} settled`);
      return;
    }
    const n = this.failures.get(id) ?? 0;
    this.failures.set(id, n + 1);
    const backoff = backoffDelay(n, {
      initialMs: this.deps.retryBaseMs,
      maxMs: this.deps.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
      jitter: 0,
    });
    const delay = Math.max(backoff, run.retryAfterMs ?? 0);
    this.work.later(id, delay, `federated identity ${id} due`);
  }
}
