// One VM or VMSS: one GET, then PATCHes carrying only the delta. An identity ARM refuses (named in a
// LinkedAuthorizationFailed or identity error) is set aside and the PATCH retried without it, so one
// bad identity never blocks the others; its assignments show the error and it is retried alone later.
// Assignments turn Assigned only after ARM confirmed; released objects go only after the removal.
import {
  classifyArmError,
  type ClassifiedArmError,
  type ComputeIdentityPort,
  type IdentityState,
} from '@pod-identity/azure-arm';
import type { Logger } from '@pod-identity/platform';
import { decideDelta, type DeltaDecision, type ImmutableIdentities } from '../plan/delta';
import type { TargetPlan } from '../plan/model';
import type { ArmGate } from './arm-gate';
import type { LedgerStore } from './ports';

export const DEFAULT_TRANSIENT_RETRY_MS = 5000;
/** PATCH retries after setting refused identities aside, when not configured. */
export const DEFAULT_ISOLATION_RETRIES = 2;

export type TargetResult = 'done' | 'partial' | 'deferred' | 'failed';

/** What happened to one identity on the target. */
export type IdentityOutcome =
  | { readonly state: 'present' }
  | { readonly state: 'absent' }
  | { readonly state: 'failed'; readonly error: ClassifiedArmError };

export interface TargetOutcome {
  readonly result: TargetResult;
  /** When to try again (deferred or failed). */
  readonly retryInMs?: number;
  readonly error?: ClassifiedArmError;
  readonly identities: ReadonlyMap<string, IdentityOutcome>;
  /** PATCH requests sent. */
  readonly writes: number;
}

export interface TargetRunnerDeps {
  readonly arm: ComputeIdentityPort;
  readonly ledger: LedgerStore;
  readonly gate: ArmGate;
  readonly immutable: ImmutableIdentities;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Called when ARM or the budget holds work back. */
  readonly onThrottle?: (scope: 'retry-after' | 'budget', waitMs: number) => void;
  /** Default backoff for transient failures without Retry-After (default DEFAULT_TRANSIENT_RETRY_MS). */
  readonly transientRetryMs?: number;
  /** PATCH retries after setting refused identities aside (the original's --update-user-msi-max-retry). */
  readonly isolationRetries?: number;
}

function sameSet(a: ReadonlySet<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((x) => a.has(x));
}

function outcomesFrom(
  state: IdentityState,
  ids: Iterable<string>,
  failed: ReadonlyMap<string, ClassifiedArmError>,
): Map<string, IdentityOutcome> {
  const out = new Map<string, IdentityOutcome>();
  for (const id of ids) {
    const error = failed.get(id);
    if (error) out.set(id, { state: 'failed', error });
    else out.set(id, { state: state.userAssigned.has(id) ? 'present' : 'absent' });
  }
  return out;
}

interface ConvergeState {
  readonly ids: ReadonlySet<string>;
  current: IdentityState;
  writes: number;
  readonly failed: Map<string, ClassifiedArmError>;
  ledger: ReadonlySet<string>;
  /** Whether `ledger` was read from the store during this run (not from what the process remembered). */
  ledgerFresh: boolean;
  pending: string[];
  lastError?: ClassifiedArmError;
}

export class TargetRunner {
  constructor(private readonly deps: TargetRunnerDeps) {}

  async run(plan: TargetPlan, signal?: AbortSignal): Promise<TargetOutcome> {
    const { target } = plan;
    const gate = this.deps.gate.mayCall(target);
    if (!gate.ok) return this.deferred(gate.scope, gate.retryInMs);
    let current: IdentityState;
    try {
      current = await this.deps.arm.getIdentities(target, signal);
    } catch (err) {
      return this.failure(plan, classifyArmError(err), 0);
    }
    return this.converge(plan, current, signal);
  }

  private async converge(
    plan: TargetPlan,
    initial: IdentityState,
    signal?: AbortSignal,
  ): Promise<TargetOutcome> {
    const st: ConvergeState = {
      ids: new Set([...plan.needed, ...plan.releasable]),
      current: initial,
      writes: 0,
      failed: new Map(),
      ledger: await this.deps.ledger.get(plan.target),
      ledgerFresh: false,
      pending: [],
    };
    const rounds = (this.deps.isolationRetries ?? DEFAULT_ISOLATION_RETRIES) + 1;
    for (let round = 0; round <= rounds; round++) {
      const decision = await this.decide(plan, st);
      st.pending = [...decision.add, ...decision.remove];
      if (st.pending.length === 0 || round === rounds) break;
      const stop = await this.attempt(plan, st, decision, signal);
      if (stop) return stop;
    }
    return this.finish(st);
  }

  /**
   * Decides the next delta and persists the ledger ahead of it. Whether to remove is decided on the
   * stored ledger, never on a remembered one: a ledger edited by hand or by another leader counts at once.
   */
  private async decide(plan: TargetPlan, st: ConvergeState): Promise<DeltaDecision> {
    let decision = this.delta(plan, st);
    const ownershipMatters =
      decision.remove.length > 0 || decision.kept.some((k) => k.reason === 'not-added-by-mic');
    if (ownershipMatters && !st.ledgerFresh) {
      st.ledger = await this.deps.ledger.get(plan.target, { fresh: true });
      st.ledgerFresh = true;
      decision = this.delta(plan, st);
    }
    for (const k of decision.kept)
      this.deps.logger.debug(
        { target: plan.target.key, identity: k.id, reason: k.reason },
        'identity left on target',
      );
    await this.saveLedger(plan, st, decision.ledgerBefore);
    return decision;
  }

  private delta(plan: TargetPlan, st: ConvergeState): DeltaDecision {
    return decideDelta({
      ...plan,
      current: st.current,
      ledger: st.ledger,
      immutable: this.deps.immutable,
      excluded: new Set(st.failed.keys()),
    });
  }

  /** Writes the ledger only when it changes (an add alone leaves the after-PATCH ledger as it was). */
  private async saveLedger(plan: TargetPlan, st: ConvergeState, ids: readonly string[]): Promise<void> {
    if (sameSet(st.ledger, ids)) return;
    await this.deps.ledger.set(plan.target, ids);
    st.ledger = new Set(ids);
  }

  /** One PATCH (or a reason to stop): updates the state, sets refused identities aside. */
  private async attempt(
    plan: TargetPlan,
    st: ConvergeState,
    decision: DeltaDecision,
    signal?: AbortSignal,
  ): Promise<TargetOutcome | undefined> {
    const { target } = plan;
    const token = this.deps.gate.takeWrite(target);
    if (!token.ok)
      return {
        ...this.deferred(token.scope, token.retryInMs),
        identities: outcomesFrom(st.current, st.ids, st.failed),
        writes: st.writes,
      };
    try {
      st.writes++;
      st.current = await this.deps.arm.updateIdentities(
        target,
        st.current,
        { add: decision.add, remove: decision.remove },
        signal,
      );
      await this.saveLedger(plan, st, decision.ledgerAfter);
      this.deps.logger.info(
        { target: target.key, added: decision.add.length, removed: decision.remove.length },
        'identities updated',
      );
      return undefined;
    } catch (err) {
      const error = classifyArmError(err);
      const culprits = this.culprits(error, [...decision.add, ...decision.remove]);
      if (culprits.length === 0) return this.failure(plan, error, st.writes, st.current, st.failed);
      for (const id of culprits) st.failed.set(id, error);
      st.lastError = error;
      this.deps.logger.warn(
        { target: target.key, identities: culprits, code: error.code, kind: error.kind },
        'ARM refused identities; retrying without them',
      );
      return undefined;
    }
  }

  private finish(st: ConvergeState): TargetOutcome {
    if (st.pending.length > 0 && st.lastError) {
      // Out of retries with work left: report it on the remaining identities and try again later.
      for (const id of st.pending) st.failed.set(id, st.lastError);
      const identities = outcomesFrom(st.current, st.ids, st.failed);
      return {
        result: 'failed',
        retryInMs: this.deps.transientRetryMs ?? DEFAULT_TRANSIENT_RETRY_MS,
        error: st.lastError,
        identities,
        writes: st.writes,
      };
    }
    return {
      result: st.failed.size > 0 ? 'partial' : 'done',
      identities: outcomesFrom(st.current, st.ids, st.failed),
      writes: st.writes,
    };
  }

  /** The identities to set aside: those ARM named, or the only one attempted. */
  private culprits(error: ClassifiedArmError, attempted: readonly string[]): string[] {
    if (error.kind !== 'linked-authorization' && error.kind !== 'identity-invalid') return [];
    const named = error.identityIds.filter((id) => attempted.includes(id));
    if (named.length > 0) return named;
    return attempted.length === 1 ? [...attempted] : [];
  }

  private deferred(scope: 'retry-after' | 'budget', retryInMs: number): TargetOutcome {
    this.deps.onThrottle?.(scope, retryInMs);
    return { result: 'deferred', retryInMs, identities: new Map(), writes: 0 };
  }

  private failure(
    plan: TargetPlan,
    error: ClassifiedArmError,
    writes: number,
    current?: IdentityState,
    failed: Map<string, ClassifiedArmError> = new Map(),
  ): TargetOutcome {
    const fallbackMs = this.deps.transientRetryMs ?? DEFAULT_TRANSIENT_RETRY_MS;
    if (error.kind === 'throttled') {
      const wait = error.retryAfterMs ?? fallbackMs;
      this.deps.gate.block(plan.target, wait);
      this.deps.onThrottle?.('retry-after', wait);
    }
    this.deps.logger.warn(
      {
        target: plan.target.key,
        kind: error.kind,
        code: error.code,
        status: error.statusCode,
        err: error.message,
      },
      'ARM operation failed',
    );
    const identities = new Map<string, IdentityOutcome>();
    for (const id of [...plan.needed, ...plan.releasable])
      identities.set(id, this.failedOutcome(id, plan, error, current, failed));
    return { result: 'failed', retryInMs: error.retryAfterMs ?? fallbackMs, error, identities, writes };
  }

  /** After a failed operation: needed identities already there are still confirmed; the rest failed. */
  private failedOutcome(
    id: string,
    plan: TargetPlan,
    error: ClassifiedArmError,
    current: IdentityState | undefined,
    failed: ReadonlyMap<string, ClassifiedArmError>,
  ): IdentityOutcome {
    const earlier = failed.get(id);
    if (earlier) return { state: 'failed', error: earlier };
    if (current?.userAssigned.has(id) && plan.needed.includes(id)) return { state: 'present' };
    return { state: 'failed', error };
  }
}
