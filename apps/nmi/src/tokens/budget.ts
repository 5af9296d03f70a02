// Upstream budget per node: at most `maxConcurrent` calls at once and `ratePerSec` starts per second
// (token bucket with `burst`). IMDS allows 20 requests/s and 5 concurrent per VM for managed identity,
// shared by everything on the node. A caller waits at most `maxWaitMs` for a slot, then gets
// upstream-busy (429 + Retry-After) instead of queueing without bound.
import { TokenBucket } from '@pod-identity/platform';
import { NmiError } from '../errors';
import { ChangeSignal } from '../util/change-signal';
import type { Clock } from '../util/clock';

export interface BudgetOptions {
  readonly ratePerSec: number;
  readonly burst: number;
  readonly maxConcurrent: number;
  readonly maxWaitMs: number;
}

export class UpstreamBudget {
  private active = 0;
  private readonly starts: TokenBucket;
  private readonly released = new ChangeSignal();

  constructor(
    private readonly options: BudgetOptions,
    private readonly clock: Clock,
  ) {
    this.starts = new TokenBucket({ burst: options.burst, perMinute: options.ratePerSec * 60 }, clock.now());
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.active--;
      this.released.notify();
    }
  }

  activeCount(): number {
    return this.active;
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    const deadline = this.clock.now() + this.options.maxWaitMs;
    for (;;) {
      // A token is taken only when a slot is free too.
      if (this.active < this.options.maxConcurrent && this.starts.tryTake(this.clock.now())) {
        this.active++;
        return;
      }
      const left = deadline - this.clock.now();
      if (left <= 0 || signal?.aborted)
        throw new NmiError('upstream-busy', 'upstream request budget exhausted, retry');
      const tokenWait = this.starts.waitMs(this.clock.now());
      const untilToken = tokenWait === 0 ? left : tokenWait;
      await this.released.wait(Math.max(1, Math.min(left, untilToken)), this.clock, signal);
    }
  }
}
