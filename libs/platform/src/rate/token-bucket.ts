// A token bucket: at most `burst` tokens, refilled continuously at `perMinute`. Pure: the caller passes
// the time in (Clock.now() in production, a number in tests and in the emulator), so it never reads a
// clock of its own. The one implementation for MIC's ARM write budget, NMI's upstream budget, the Event
// recorder's per-object limit and the Azure emulator's throttling.

export interface TokenBucketLimit {
  /** Most tokens held at once (the burst); a new bucket starts full. */
  readonly burst: number;
  /** Tokens added per minute (0: never refilled). */
  readonly perMinute: number;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly limit: TokenBucketLimit,
    now: number,
  ) {
    if (!(limit.burst >= 0 && Number.isFinite(limit.burst)))
      throw new RangeError(`token bucket burst must be a finite number >= 0, got ${limit.burst}`);
    if (!(limit.perMinute >= 0 && Number.isFinite(limit.perMinute))) {
      throw new RangeError(`token bucket perMinute must be a finite number >= 0, got ${limit.perMinute}`);
    }
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /** Takes one token when there is one; a refused take costs nothing. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is there (0: now; Infinity: never, as nothing refills). */
  waitMs(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) return 0;
    if (this.limit.perMinute === 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((1 - this.tokens) * 60_000) / this.limit.perMinute);
  }

  /** Whole tokens there now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  /** A time earlier than the last one seen (a clock stepping back) refills nothing. */
  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perMinute) / 60_000);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
