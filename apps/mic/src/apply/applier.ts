// Executes a plan. Kubernetes writes first (bounded parallel), then the per-VM/VMSS work is dispatched:
// different targets run in parallel up to a limit, one target never runs twice at once, and a target
// that is busy or waiting (Retry-After, backoff, budget) is left for a later sync. The sync does not wait
// for ARM, so a slow VMSS never delays assignments on other VMs. A target whose change set is still
// changing is held in a short coalescing window first, so a burst of pods gives one PATCH (docs/adr/0006).
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import { backoffDelay, type Clock, type Logger } from '@pod-identity/platform';
import { objectRef, refKey } from '../plan/existing';
import type { ObjectRef, Plan, TargetPlan } from '../plan/model';
import { changeSignature, hasPendingChange } from './change-signature';
import { CoalescingWindow, type WindowSettings } from './coalescing-window';
import { Limiter, mapLimit } from './limiter';
import { OwedReleases, type OwedRelease } from './owed-releases';
import { failureMessage, failureReason } from './messages';
import type { AssignedIdentityWriter, AssignmentEvents } from './ports';
import type { IdentityOutcome, TargetOutcome, TargetRunner } from './target-runner';
import { KeyedWork, KeyedWorkOwner } from './keyed-work';
import { KnownPresent } from './known-present';
import { WriteBackoff } from './write-backoff';

export interface ApplierDeps {
  readonly writer: AssignedIdentityWriter;
  readonly runner: TargetRunner;
  readonly events: AssignmentEvents;
  readonly clock: Clock;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug' | 'error'>;
  /** Concurrent Kubernetes writes (the original's --createDeleteBatch). */
  readonly kubeConcurrency: number;
  /** Concurrent VM/VMSS operations. */
  readonly targetConcurrency: number;
  /** First retry delay of a failing VM/VMSS or Kubernetes write; doubles per consecutive failure. */
  readonly retryBaseMs: number;
  /** Longest retry delay (default DEFAULT_RETRY_MAX_MS). */
  readonly retryMaxMs?: number;
  /** Called when a target operation ended, or when a waiting target becomes due: time to sync again. */
  readonly wake: (reason: string) => void;
  readonly onTargetResult?: (result: TargetOutcome['result']) => void;
  /** Coalescing window per VM/VMSS; absent: dispatch as soon as there is work. */
  readonly coalescing?: WindowSettings;
}

/** Retry delays of a failing target or write stop growing here. */
export const DEFAULT_RETRY_MAX_MS = 300_000;

export interface ApplyReport {
  readonly kubeWrites: number;
  readonly kubeErrors: number;
  readonly dispatched: number;
  readonly skippedBusy: number;
  readonly skippedWaiting: number;
  /** Targets held in their coalescing window. */
  readonly coalescing: number;
}

/**
 * The target's work without confirmations of objects that could not be created; undefined when that
 * leaves nothing to do (so a failing create never turns into a loop of ARM reads).
 */
function withoutFailedCreates(tp: TargetPlan, failed: ReadonlySet<string>): TargetPlan | undefined {
  if (failed.size === 0) return tp;
  const confirm = tp.confirm.filter((c) => !failed.has(refKey(c.ref)));
  if (confirm.length === tp.confirm.length) return tp;
  const rest = confirm.length + tp.releasable.length + tp.release.length;
  return rest === 0 ? undefined : { ...tp, confirm };
}

/** Looks an assigned identity up by reference (the latest version MIC knows). */
export type AssignedLookup = (ref: ObjectRef) => AzureAssignedIdentity | undefined;

export class Applier extends KeyedWorkOwner {
  protected readonly work: KeyedWork;
  private readonly failures = new Map<string, number>();
  private readonly targets: Limiter;
  private readonly writeBackoff: WriteBackoff;
  private readonly window: CoalescingWindow;
  private readonly owed = new OwedReleases();
  private readonly known = new KnownPresent();

  constructor(private readonly deps: ApplierDeps) {
    super();
    this.targets = new Limiter(deps.targetConcurrency);
    this.work = new KeyedWork(deps.clock, deps.wake);
    this.window = new CoalescingWindow(deps.coalescing ?? { quietMs: 0, maxMs: 0 });
    this.writeBackoff = new WriteBackoff(deps.clock, deps.retryBaseMs, this.retryMaxMs);
  }

  async apply(plan: Plan, lookup: AssignedLookup, signal?: AbortSignal): Promise<ApplyReport> {
    const { kubeWrites, kubeErrors, failedCreates } = await this.kubeWrites(plan);
    let dispatched = 0;
    let skippedBusy = 0;
    let skippedWaiting = 0;
    let coalescing = 0;
    this.window.retain(new Set(plan.targets.filter(hasPendingChange).map((t) => t.target.key)));
    for (const planned of plan.targets) {
      this.owed.observe(planned);
      const tp = withoutFailedCreates(planned, failedCreates);
      if (!tp) continue;
      const key = tp.target.key;
      // The window runs while the target is busy too, so work that piled up meanwhile can go at once.
      if (!this.windowAllows(tp)) coalescing++;
      else if (this.work.running(key)) skippedBusy++;
      else if (this.work.waiting(key)) skippedWaiting++;
      else if (!signal?.aborted) {
        dispatched++;
        this.window.dispatched(key);
        this.dispatch(tp, lookup);
      }
    }
    return { kubeWrites, kubeErrors, dispatched, skippedBusy, skippedWaiting, coalescing };
  }

  /** Drift checks go at once; real changes wait until the target's change set has settled. */
  private windowAllows(tp: TargetPlan): boolean {
    if (!hasPendingChange(tp)) return true;
    const d = this.window.observe(tp.target.key, changeSignature(tp), this.deps.clock.now());
    if (d.dispatch) return true;
    if (d.wakeInMs !== undefined) this.work.wakeLater(`target ${tp.target.key} window ended`, d.wakeInMs);
    return false;
  }

  /** Identities ARM recently said are on each target (./known-present): the planner's input. */
  knownPresent(): ReadonlyMap<string, ReadonlySet<string>> {
    return this.known.snapshot(this.deps.clock.now());
  }

  /** Removals asked for but not done yet: the planner must keep asking for them (see ./owed-releases). */
  owedReleases(): OwedRelease[] {
    return this.owed.list();
  }

  private async kubeWrites(
    plan: Plan,
  ): Promise<{ kubeWrites: number; kubeErrors: number; failedCreates: Set<string> }> {
    const { writer } = this.deps;
    const jobs: Array<{ key: string; create: boolean; run: () => Promise<unknown> }> = [
      ...plan.creates.map((c) => ({
        key: refKey(objectRef(c.object)),
        create: true,
        run: () => writer.create(c.object),
      })),
      ...plan.updates.map((u) => ({
        key: refKey(objectRef(u.object)),
        create: false,
        run: () => writer.update(u.object),
      })),
      ...plan.deletes.map((d) => ({ key: refKey(objectRef(d)), create: false, run: () => writer.remove(d) })),
    ];
    this.writeBackoff.retain(new Set(jobs.map((j) => j.key)));
    const due = jobs.filter((j) => this.writeBackoff.due(j.key));
    const failedCreates = new Set(
      jobs.filter((j) => j.create && !this.writeBackoff.due(j.key)).map((j) => j.key),
    );
    const results = await mapLimit(due, this.deps.kubeConcurrency, (j) => j.run());
    let kubeErrors = 0;
    results.forEach((r, i) => {
      const job = due[i] as (typeof due)[number];
      if (r.status === 'fulfilled') return this.writeBackoff.succeeded(job.key);
      kubeErrors++;
      if (job.create) failedCreates.add(job.key);
      const delay = this.writeBackoff.failed(job.key);
      this.deps.logger.warn(
        { object: job.key, retryInMs: delay, err: r.reason as unknown },
        'Kubernetes write failed',
      );
      this.work.wakeLater(`write ${job.key} due`, delay);
    });
    for (const c of plan.creates) {
      if (c.immediate && !failedCreates.has(refKey(objectRef(c.object)))) {
        this.deps.events.emit(
          c.object,
          'Normal',
          'IdentityAssigned',
          c.alreadyOn
            ? `identity already on ${c.alreadyOn.kind} ${c.alreadyOn.name} (no VM change needed)`
            : 'service principal identity assigned (no VM change needed)',
        );
      }
    }
    this.deps.events.flush();
    return { kubeWrites: due.length, kubeErrors, failedCreates };
  }

  /** ARM work is not tied to the caller's signal: stopping waits for it instead (see MicController). */
  private dispatch(tp: TargetPlan, lookup: AssignedLookup): void {
    const key = tp.target.key;
    this.known.forget(key, [...tp.releasable, ...tp.release.map((r) => r.resourceId)]);
    const task = this.targets
      .run(() => this.deps.runner.run(tp))
      .then((outcome) => this.settle(tp, outcome, lookup))
      .catch((err: unknown) => {
        this.deps.logger.error(
          { target: key, err },
          'target operation crashed; retrying with backoff (a bug: please report it)',
        );
        this.later(key, this.failureDelay(key));
      });
    this.work.track(key, task, `target ${key} settled`);
  }

  private later(key: string, delayMs: number): void {
    this.work.later(key, delayMs, `target ${key} due`);
  }

  /** Done: due again at once. Deferred: when ARM or the budget allows. Otherwise: exponential backoff. */
  private schedule(key: string, outcome: TargetOutcome): void {
    if (outcome.result === 'done') {
      this.failures.delete(key);
      this.work.clear(key);
      return;
    }
    if (outcome.result === 'deferred') {
      this.later(key, outcome.retryInMs ?? this.deps.retryBaseMs);
      return;
    }
    this.later(key, Math.max(this.failureDelay(key), outcome.error?.retryAfterMs ?? 0));
  }

  private get retryMaxMs(): number {
    return this.deps.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
  }

  /** Counts one more consecutive failure of the target; its exponential backoff (platform's schedule). */
  private failureDelay(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const maxMs = this.retryMaxMs;
    return backoffDelay(n - 1, { initialMs: Math.min(this.deps.retryBaseMs, maxMs), maxMs, jitter: 0 });
  }

  private async settle(tp: TargetPlan, outcome: TargetOutcome, lookup: AssignedLookup): Promise<void> {
    this.deps.onTargetResult?.(outcome.result);
    this.owed.settled(tp, outcome);
    this.known.observe(tp.target.key, outcome, this.deps.clock.now());
    const writes: Array<() => Promise<void>> = [];
    for (const c of tp.confirm) {
      const o = outcome.identities.get(c.resourceId);
      if (o) writes.push(() => this.confirm(tp, c.ref, o, lookup));
    }
    writes.push(...this.releases(tp, outcome));
    const results = await mapLimit(writes, this.deps.kubeConcurrency, (w) => w());
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    this.deps.events.flush();
    for (const r of failed) this.deps.logger.warn({ err: r.reason as unknown }, 'status update failed');
    // A status that could not be written must not make every sync ask ARM again at once.
    this.schedule(
      tp.target.key,
      failed.length > 0 && outcome.result === 'done' ? { ...outcome, result: 'failed' } : outcome,
    );
  }

  /** Objects whose identity is gone (or deliberately kept) are deleted; failed removals are reported. */
  private releases(tp: TargetPlan, outcome: TargetOutcome): Array<() => Promise<void>> {
    const finished = outcome.result === 'done' || outcome.result === 'partial';
    const writes: Array<() => Promise<void>> = [];
    for (const r of tp.release) {
      const o = outcome.identities.get(r.resourceId);
      if (!o) continue;
      if (o.state === 'failed')
        this.deps.events.emit(
          r.object,
          'Warning',
          'IdentityRemovalFailed',
          failureMessage(o.error, tp.target, 'remove'),
        );
      else if (finished) writes.push(() => this.release(r.object));
    }
    return writes;
  }

  private async confirm(
    tp: TargetPlan,
    ref: ObjectRef,
    outcome: IdentityOutcome,
    lookup: AssignedLookup,
  ): Promise<void> {
    const obj = lookup(ref);
    if (!obj) return;
    if (outcome.state === 'present') {
      await this.deps.writer.setStatus(ref, { status: 'Assigned' });
      this.deps.events.emit(
        obj,
        'Normal',
        'IdentityAssigned',
        `identity assigned to ${tp.target.kind} ${tp.target.name}`,
      );
      return;
    }
    if (outcome.state !== 'failed') return;
    const reason = failureReason(outcome.error);
    const message = failureMessage(outcome.error, tp.target, 'assign');
    if (obj.status?.reason === reason && obj.status.message === message) return;
    await this.deps.writer.setStatus(ref, { status: 'Created', reason, message });
    this.deps.events.emit(obj, 'Warning', 'IdentityAssignmentFailed', message);
  }

  private async release(obj: AzureAssignedIdentity): Promise<void> {
    await this.deps.writer.remove(obj);
    this.deps.logger.debug(
      { object: refKey({ namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' }) },
      'assignment removed',
    );
  }
}
