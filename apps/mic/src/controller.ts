// MIC while it leads: watch the world, plan on every (coalesced) change, apply the plan. Stopping waits
// for running ARM operations (bounded), so a leader that steps down leaves nothing it cannot resume:
// the ledger is written before each PATCH and every decision is re-derived from state by the next leader.
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import { isSleepAborted, type Clock, type Logger } from '@pod-identity/platform';
import type { ComputeIdentityPort } from '@pod-identity/azure-arm';
import type { KubeHttp } from '@pod-identity/kube';
import type { FederatedCredentialPort } from '@pod-identity/azure-arm';
import { Applier } from './apply/applier';
import { FederatedApplier } from './federated/applier';
import type { FederationSettings } from './federated/model';
import type { FederatedLedger } from './kube/federated-ledger-store';
import { ArmGate, type WriteBudget } from './apply/arm-gate';
import type { WindowSettings } from './apply/coalescing-window';
import type { AssignedIdentityWriter, AssignmentEvents, LedgerStore } from './apply/ports';
import { TargetRunner } from './apply/target-runner';
import { SyncLoop, type SyncKind } from './loop/sync-loop';
import type { MicMetrics } from './ops/metrics';
import { effectiveStatus } from './plan/assigned-object';
import type { ImmutableIdentities } from './plan/delta';
import { objectRef, refKey } from './plan/existing';
import type { Plan, PlannerSettings, PlanWarning, Snapshot } from './plan/model';
import { planSync } from './plan/plan';
import { World } from './kube/world';

export interface ControllerTuning {
  readonly kubeConcurrency: number;
  readonly targetConcurrency: number;
  readonly resyncIntervalMs: number;
  readonly driftIntervalMs: number;
  readonly writeBudget: WriteBudget;
  readonly cacheSyncTimeoutMs: number;
  /** Longest wait for running ARM operations when stopping. */
  readonly shutdownGraceMs: number;
  readonly transientRetryMs: number;
  readonly isolationRetries: number;
  /** Per VM/VMSS coalescing window (docs/adr/0006). */
  readonly coalescing: WindowSettings;
}

export interface ControllerDeps {
  readonly http: KubeHttp;
  readonly arm: ComputeIdentityPort;
  readonly writer: (world: World) => AssignedIdentityWriter;
  readonly ledger: LedgerStore;
  readonly events: AssignmentEvents;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MicMetrics;
  readonly settings: PlannerSettings;
  readonly immutable: ImmutableIdentities;
  readonly tuning: ControllerTuning;
  /** The federated backend (docs/adr/0010): its ARM port, ledger and settings. */
  readonly federation: {
    readonly port: FederatedCredentialPort;
    readonly ledger: FederatedLedger;
    readonly settings: FederationSettings;
  };
}

export class MicController {
  private world: World | undefined;
  private loop: SyncLoop | undefined;
  private applier: Applier | undefined;
  private federated: FederatedApplier | undefined;
  private firstSyncDone = false;
  private warned = new Set<string>();

  constructor(private readonly deps: ControllerDeps) {}

  /** True once the caches are synced and the first sync ran. */
  get ready(): boolean {
    return this.firstSyncDone;
  }

  get syncs(): number {
    return this.loop?.syncs ?? 0;
  }

  /** Runs until `signal` aborts, then stops cleanly. */
  async run(signal: AbortSignal): Promise<void> {
    const { deps } = this;
    const loopRef: { loop?: SyncLoop } = {};
    const world = new World({
      http: deps.http,
      clock: deps.clock,
      logger: deps.logger,
      onDirty: (source) => {
        deps.metrics.events.inc({ source });
        loopRef.loop?.markDirty(source);
      },
    });
    this.world = world;
    this.applier = this.buildApplier(world, (reason) => loopRef.loop?.markDirty(reason));
    this.federated = this.buildFederated(world, (reason) => loopRef.loop?.markDirty(reason));
    const loop = new SyncLoop({
      clock: deps.clock,
      logger: deps.logger,
      sync: (kind) => this.syncOnce(kind, signal),
      resyncIntervalMs: deps.tuning.resyncIntervalMs,
      driftIntervalMs: deps.tuning.driftIntervalMs,
      onPendingChange: (n) => deps.metrics.pendingEvents.set(n),
      onSyncError: (kind) => deps.metrics.syncs.inc({ kind, result: 'error' }),
    });
    loopRef.loop = loop;
    this.loop = loop;
    world.start();
    try {
      await this.waitForCaches(world, signal);
      if (!signal.aborted) await loop.run(signal);
    } finally {
      await this.shutdown(world);
    }
  }

  private buildApplier(world: World, wake: (reason: string) => void): Applier {
    const { deps } = this;
    const gate = new ArmGate(deps.clock, deps.tuning.writeBudget);
    const runner = new TargetRunner({
      arm: deps.arm,
      ledger: deps.ledger,
      gate,
      immutable: deps.immutable,
      logger: deps.logger,
      transientRetryMs: deps.tuning.transientRetryMs,
      isolationRetries: deps.tuning.isolationRetries,
      onThrottle: (scope, waitMs) => {
        deps.metrics.throttleWaits.inc({ scope });
        if (scope === 'retry-after') deps.metrics.throttleWaitSeconds.inc(waitMs / 1000);
      },
    });
    return new Applier({
      writer: deps.writer(world),
      runner,
      events: deps.events,
      clock: deps.clock,
      logger: deps.logger,
      kubeConcurrency: deps.tuning.kubeConcurrency,
      targetConcurrency: deps.tuning.targetConcurrency,
      retryBaseMs: deps.tuning.transientRetryMs,
      wake,
      coalescing: deps.tuning.coalescing,
      onTargetResult: (result) => deps.metrics.targetOps.inc({ result }),
    });
  }

  private buildFederated(world: World, wake: (reason: string) => void): FederatedApplier {
    const { deps } = this;
    return new FederatedApplier({
      ...deps.federation,
      writer: deps.writer(world),
      events: deps.events,
      clock: deps.clock,
      logger: deps.logger,
      wake,
      concurrency: deps.tuning.targetConcurrency,
      retryBaseMs: deps.tuning.transientRetryMs,
    });
  }

  private async waitForCaches(world: World, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && !(await world.waitForSync(this.deps.tuning.cacheSyncTimeoutMs))) {
      this.deps.logger.warn('informer caches not synced yet; still waiting');
    }
  }

  private async syncOnce(kind: SyncKind, signal: AbortSignal): Promise<void> {
    const { deps } = this;
    const world = this.world as World;
    const started = deps.clock.now();
    const applier = this.applier as Applier;
    const federated = this.federated as FederatedApplier;
    const snapshot: Snapshot = {
      ...world.snapshot(deps.settings),
      owedReleases: applier.owedReleases(),
      federatedReady: federated.ready(),
      knownPresent: applier.knownPresent(),
    };
    const plan = planSync(snapshot, { driftCheck: kind === 'drift' });
    this.report(plan.warnings);
    const index = new Map<string, AzureAssignedIdentity>(
      snapshot.assigned.map((a) => [refKey(objectRef(a)), a]),
    );
    for (const c of plan.creates) index.set(refKey(objectRef(c.object)), c.object);
    for (const u of plan.updates) index.set(refKey(objectRef(u.object)), u.object);
    const report = await applier.apply(plan, (ref) => index.get(refKey(ref)), signal);
    if (!signal.aborted)
      await federated.apply(plan.federated, (ref) => index.get(refKey(ref)), kind === 'drift');
    this.firstSyncDone = true;
    this.observe(kind, snapshot.assigned, started, report.kubeErrors);
    if (this.hasWork(plan)) {
      deps.logger.debug(
        {
          kind,
          creates: plan.creates.length,
          updates: plan.updates.length,
          deletes: plan.deletes.length,
          targets: plan.targets.length,
          ...report,
        },
        'sync applied',
      );
    }
  }

  private hasWork(plan: Plan): boolean {
    return plan.creates.length + plan.updates.length + plan.deletes.length + plan.targets.length > 0;
  }

  private observe(
    kind: SyncKind,
    assigned: readonly AzureAssignedIdentity[],
    started: number,
    kubeErrors: number,
  ): void {
    const { metrics } = this.deps;
    metrics.syncs.inc({ kind, result: kubeErrors > 0 ? 'partial' : 'ok' });
    metrics.syncDuration.observe({ kind }, (this.deps.clock.now() - started) / 1000);
    const counts: Record<string, number> = { Created: 0, Assigned: 0, Unassigned: 0 };
    for (const a of assigned) counts[effectiveStatus(a)] = (counts[effectiveStatus(a)] ?? 0) + 1;
    for (const [state, n] of Object.entries(counts)) metrics.assignments.set({ state }, n);
  }

  /** Logs and reports each distinct warning once while it persists. */
  private report(warnings: readonly PlanWarning[]): void {
    const now = new Set<string>();
    for (const w of warnings) {
      const key = `${w.reason}|${w.message}`;
      now.add(key);
      if (this.warned.has(key)) continue;
      this.deps.logger.warn({ reason: w.reason, binding: w.binding, pod: w.pod }, w.message);
      this.deps.events.warn(w);
    }
    this.warned = now;
  }

  private async shutdown(world: World): Promise<void> {
    const applier = this.applier;
    if (applier) {
      const grace = new AbortController();
      const timeout = this.deps.clock
        .sleep(this.deps.tuning.shutdownGraceMs, grace.signal)
        .catch((err: unknown) => {
          if (!isSleepAborted(err)) throw err;
        });
      const federated = this.federated;
      await Promise.race([Promise.all([applier.idle(), federated?.idle()]), timeout]);
      grace.abort();
      if (applier.busy || federated?.busy)
        this.deps.logger.warn('stopping with ARM operations still running; the next leader resumes them');
      applier.close();
      federated?.close();
    }
    await world.stop();
    this.firstSyncDone = false;
  }
}
