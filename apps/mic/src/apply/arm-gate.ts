// Keeps MIC from causing or prolonging ARM throttling: after a 429 every call to that subscription
// waits until Retry-After has passed, and writes spend a budget (per VM/VMSS and overall), so that even
// a misbehaving cluster (pods flapping) cannot turn into a PATCH storm.
import { TokenBucket, type Clock } from '@pod-identity/platform';
import type { TargetRef } from '../plan/model';

export interface WriteBudget {
  /** Writes per minute over all targets, and the burst allowed. */
  readonly perMinute: number;
  readonly burst: number;
  /** Writes per minute to one VM/VMSS, and the burst (ARM allows 4/min, 12 burst per resource). */
  readonly perTargetPerMinute: number;
  readonly perTargetBurst: number;
}

export const DEFAULT_WRITE_BUDGET: WriteBudget = {
  perMinute: 120,
  burst: 40,
  perTargetPerMinute: 4,
  perTargetBurst: 10,
};

export type GateDecision =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryInMs: number; readonly scope: 'retry-after' | 'budget' };

export class ArmGate {
  private readonly blocked = new Map<string, number>();
  private readonly global: TokenBucket;
  private readonly perTarget = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly budget: WriteBudget = DEFAULT_WRITE_BUDGET,
  ) {
    this.global = new TokenBucket({ perMinute: budget.perMinute, burst: budget.burst }, clock.now());
  }

  /** Records a Retry-After for the target's subscription. */
  block(target: TargetRef, retryAfterMs: number): void {
    const key = target.subscriptionId.toLowerCase();
    const until = this.clock.now() + retryAfterMs;
    this.blocked.set(key, Math.max(until, this.blocked.get(key) ?? 0));
  }

  /** Whether any call (read or write) may go to the target's subscription now. */
  mayCall(target: TargetRef): GateDecision {
    const until = this.blocked.get(target.subscriptionId.toLowerCase()) ?? 0;
    const wait = until - this.clock.now();
    return wait > 0 ? { ok: false, retryInMs: wait, scope: 'retry-after' } : { ok: true };
  }

  /** Takes one write token for the target, or says how long to wait. */
  takeWrite(target: TargetRef): GateDecision {
    const call = this.mayCall(target);
    if (!call.ok) return call;
    const bucket = this.bucket(target);
    const now = this.clock.now();
    const wait = Math.max(this.global.waitMs(now), bucket.waitMs(now));
    if (wait > 0) return { ok: false, retryInMs: wait, scope: 'budget' };
    // Both have a token (waitMs 0 above), so both takes succeed.
    this.global.tryTake(now);
    bucket.tryTake(now);
    return { ok: true };
  }

  private bucket(target: TargetRef): TokenBucket {
    let b = this.perTarget.get(target.key);
    if (!b) {
      b = new TokenBucket(
        { perMinute: this.budget.perTargetPerMinute, burst: this.budget.perTargetBurst },
        this.clock.now(),
      );
      this.perTarget.set(target.key, b);
    }
    return b;
  }
}
