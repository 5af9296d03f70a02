// Per-object backoff for Kubernetes writes: an object whose write keeps failing (its namespace is being
// deleted, a webhook refuses it, ...) is retried with growing delays, and never holds the others back.
import { backoffDelay, type Clock } from '@pod-identity/platform';

export class WriteBackoff {
  private readonly entries = new Map<string, { failures: number; notBefore: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Whether a write for this object may be tried now. */
  due(key: string): boolean {
    return (this.entries.get(key)?.notBefore ?? 0) <= this.clock.now();
  }

  /** Records a failure; returns the delay until the next attempt. */
  failed(key: string): number {
    const failures = (this.entries.get(key)?.failures ?? 0) + 1;
    const delay = backoffDelay(failures - 1, {
      initialMs: Math.min(this.baseMs, this.maxMs),
      maxMs: this.maxMs,
      jitter: 0,
    });
    this.entries.set(key, { failures, notBefore: this.clock.now() + delay });
    return delay;
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }

  /** Forgets objects the plan no longer mentions. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!keys.has(key)) this.entries.delete(key);
  }
}
