// A token bucket with an explicit clock, as Azure's throttling policies describe them (max + refill rate).

export interface BucketLimit {
  /** Bucket size (burst). */
  readonly max: number;
  /** Tokens added per minute. */
  readonly refillPerMinute: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  /** Whole tokens left after this request (what x-ms-ratelimit-remaining-* reports). */
  readonly remaining: number;
  /** When not allowed: ms until one token is back. */
  readonly retryAfterMs: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: BucketLimit,
    now: number,
  ) {
    this.tokens = limit.max;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last);
    this.tokens = Math.min(this.limit.max, this.tokens + (elapsed * this.limit.refillPerMinute) / 60_000);
    this.last = now;
  }

  /** Tries to take one token; a refused request costs nothing. */
  take(now: number): TakeResult {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, remaining: Math.floor(this.tokens), retryAfterMs: 0 };
    }
    const perMs = this.limit.refillPerMinute / 60_000;
    const retryAfterMs = perMs > 0 ? Math.ceil((1 - this.tokens) / perMs) : Number.POSITIVE_INFINITY;
    return { allowed: false, remaining: 0, retryAfterMs };
  }

  peek(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }
}
