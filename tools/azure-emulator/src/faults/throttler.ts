// Token buckets per policy, subscription and resource; yields the x-ms-ratelimit-* headers and the 429 answer.
import { TokenBucket } from '@pod-identity/platform';
import {
  ARM_LIMITS,
  CRP_LIMITS,
  type BucketLimit,
  type LimitOverrides,
  type PolicyGroup,
} from './crp-limits';

interface Taken {
  readonly allowed: boolean;
  /** Whole tokens left after this request (what x-ms-ratelimit-remaining-* reports). */
  readonly remaining: number;
  /** When not allowed: ms until one token is back. */
  readonly retryAfterMs: number;
}

/** Takes one token; a refused request costs nothing. */
function take(bucket: TokenBucket, now: number): Taken {
  const allowed = bucket.tryTake(now);
  return { allowed, remaining: bucket.available(now), retryAfterMs: allowed ? 0 : bucket.waitMs(now) };
}

export interface ThrottleRequest {
  readonly group?: PolicyGroup;
  readonly subscriptionId: string;
  readonly resourceKey?: string;
  readonly write: boolean;
}

export interface ThrottleRefusal {
  readonly policy: string;
  readonly retryAfterSeconds: number;
  readonly allowed: number;
  /** ARM front door (subscription reads/writes) rather than a Compute policy. */
  readonly frontDoor: boolean;
}

export interface ThrottleResult {
  readonly headers: Record<string, string>;
  readonly refusal?: ThrottleRefusal;
}

export interface ThrottlerOptions {
  /** Refuse with 429 when a bucket is empty (headers are reported either way). */
  enforce: boolean;
  limits?: LimitOverrides;
}

export class Throttler {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private options: ThrottlerOptions,
    private readonly now: () => number,
  ) {}

  configure(options: ThrottlerOptions): void {
    this.options = options;
    this.buckets.clear();
  }

  private bucket(key: string, limit: BucketLimit): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket({ burst: limit.max, perMinute: limit.refillPerMinute }, this.now());
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  private groupLimits(group: PolicyGroup): { resource?: BucketLimit; subscription: BucketLimit } {
    return { ...CRP_LIMITS[group], ...(this.options.limits?.[group] ?? {}) };
  }

  private frontDoor(
    req: ThrottleRequest,
    now: number,
    headers: Record<string, string>,
  ): ThrottleRefusal | undefined {
    const kind = req.write ? 'writes' : 'reads';
    const limits = this.options.limits;
    const limit = req.write
      ? (limits?.armWrites ?? ARM_LIMITS.writes)
      : (limits?.armReads ?? ARM_LIMITS.reads);
    const taken = take(this.bucket(`arm|${kind}|${req.subscriptionId.toLowerCase()}`, limit), now);
    headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = String(taken.remaining);
    return taken.allowed ? undefined : refusal(`Subscription${kind}`, taken.retryAfterMs, limit, true);
  }

  private compute(
    req: ThrottleRequest,
    group: PolicyGroup,
    now: number,
    headers: Record<string, string>,
  ): ThrottleRefusal[] {
    const limits = this.groupLimits(group);
    const scopes: [string, string, BucketLimit | undefined][] = [
      ['Subscription', `${group}|sub|${req.subscriptionId.toLowerCase()}`, limits.subscription],
      ['Resource', `${group}|res|${req.resourceKey ?? ''}`, req.resourceKey ? limits.resource : undefined],
    ];
    const policies: string[] = [];
    const refusals: ThrottleRefusal[] = [];
    for (const [suffix, key, limit] of scopes) {
      if (!limit) continue;
      const taken = take(this.bucket(key, limit), now);
      policies.push(`Microsoft.Compute/${group}${suffix};${taken.remaining}`);
      if (!taken.allowed) refusals.push(refusal(`${group}${suffix}`, taken.retryAfterMs, limit, false));
    }
    headers['x-ms-ratelimit-remaining-resource'] = policies.join(',');
    headers['x-ms-request-charge'] = '1';
    return refusals;
  }

  /** Takes a token from every bucket the request counts against; reports the remaining counts. */
  check(req: ThrottleRequest): ThrottleResult {
    const now = this.now();
    const headers: Record<string, string> = {};
    const front = this.frontDoor(req, now, headers);
    const refusals = [
      ...(front ? [front] : []),
      ...(req.group ? this.compute(req, req.group, now, headers) : []),
    ];
    if (!this.options.enforce || refusals.length === 0) return { headers };
    const worst = refusals.reduce((a, r) => (r.retryAfterSeconds > a.retryAfterSeconds ? r : a));
    return { headers, refusal: worst };
  }
}

function refusal(
  policy: string,
  retryAfterMs: number,
  limit: BucketLimit,
  frontDoor: boolean,
): ThrottleRefusal {
  const seconds = Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : 3600;
  return { policy, retryAfterSeconds: seconds, allowed: limit.max, frontDoor };
}
