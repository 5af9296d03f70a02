// Kubernetes Events (core/v1) with client-go's manners: repeats of the same event on the same object
// bump `count` on the existing Event instead of creating new ones, a per-object token bucket bounds
// the rate, messages are scrubbed of anything credential-like, and sending never blocks the caller.
import { randomBytes } from 'node:crypto';
import {
  type Clock,
  type Logger,
  scrubText,
  systemClock,
  TokenBucket,
  type TokenBucketLimit,
} from '@pod-identity/platform';
import { isNotFound } from '../http/errors';
import type { EventSink, KubeEvent } from './event-sink';

export type EventType = 'Normal' | 'Warning';

/** What the event is about. */
export interface ObjectReference {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly apiVersion?: string;
  readonly resourceVersion?: string;
}

export interface EventRecorderOptions {
  readonly sink: EventSink;
  /** source.component / reportingController, e.g. "mic". */
  readonly component: string;
  /** source.host / reportingInstance, e.g. the pod name. */
  readonly instance?: string;
  readonly clock?: Clock;
  readonly logger?: Pick<Logger, 'warn' | 'debug'>;
  /** Identical events within this window aggregate into one Event (default 10 min). */
  readonly aggregationWindowMs?: number;
  /** Token bucket per involved object: burst (default 25) and one token per refillMs (default 5 min). */
  readonly burst?: number;
  readonly refillMs?: number;
  /** Distinct events remembered for aggregation (default 4096, least recently used dropped). */
  readonly cacheSize?: number;
  /** Longest message kept (default 1024 characters). */
  readonly maxMessageLength?: number;
}

interface Aggregate {
  name: string;
  namespace: string;
  count: number;
  firstMs: number;
  lastMs: number;
}

/** One event as asked for: about what, which type, why, and the (scrubbed, truncated) text. */
interface EventInput {
  readonly object: ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  /** How many occurrences this one stands for (an aggregate of several objects' events). */
  readonly count: number;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly limit: TokenBucketLimit;
  private readonly pending = new Set<Promise<void>>();
  private chain = new Map<string, Promise<void>>();
  private dropped = 0;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    const refillMs = options.refillMs ?? 5 * 60_000;
    if (!(refillMs > 0)) throw new RangeError(`event recorder refillMs must be > 0, got ${refillMs}`);
    this.limit = { burst: options.burst ?? 25, perMinute: 60_000 / refillMs };
  }

  /**
   * Records an event; returns at once. Failures to send are logged, never thrown (a `count` that is not a
   * positive integer is a caller's bug: RangeError). `count` > 1: one Event that stands for that many
   * occurrences (its `count` starts there).
   */
  event(object: ObjectReference, type: EventType, reason: string, message: string, count = 1): void {
    if (!(Number.isInteger(count) && count >= 1))
      throw new RangeError(`event count must be an integer >= 1, got ${count}`);
    const now = this.clock.now();
    const objectKey = refKey(object);
    if (!this.take(objectKey, now)) {
      this.dropped++;
      this.options.logger?.debug({ reason, object: objectKey }, 'event dropped by rate limit');
      return;
    }
    const text = truncate(scrubText(message), this.options.maxMessageLength ?? 1024);
    const key = `${objectKey}|${type}|${reason}|${text}`;
    // Events for the same key are sent in order, so a count bump never races its own create.
    const previous = this.chain.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.send(key, { object, type, reason, message: text, count }, now));
    this.chain.set(key, next);
    this.track(next.finally(() => this.chain.get(key) === next && this.chain.delete(key)));
  }

  /** Events dropped by the rate limit so far. */
  droppedCount(): number {
    return this.dropped;
  }

  /** Waits for every event recorded so far to be sent (or to fail). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<unknown>): void {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  private async send(key: string, event: EventInput, now: number): Promise<void> {
    const { object, reason } = event;
    const existing = this.aggregates.get(key);
    const window = this.options.aggregationWindowMs ?? 10 * 60_000;
    try {
      if (existing && now - existing.lastMs < window) {
        existing.count += event.count;
        existing.lastMs = now;
        this.touch(key, existing);
        try {
          await this.options.sink.patch(existing.namespace, existing.name, {
            count: existing.count,
            lastTimestamp: isoSeconds(now),
          });
          return;
        } catch (err) {
          if (!isNotFound(err)) throw err;
          this.aggregates.delete(key); // the Event expired on the server: create a new one
        }
      }
      const built = this.build(event, now);
      const created = await this.options.sink.create(built.metadata.namespace, built);
      this.remember(key, {
        name: created.metadata?.name ?? built.metadata.name,
        namespace: built.metadata.namespace,
        count: event.count,
        firstMs: now,
        lastMs: now,
      });
    } catch (err) {
      this.options.logger?.warn({ err, reason, object: refKey(object) }, 'could not record event');
    }
  }

  private build({ object, type, reason, message, count }: EventInput, now: number): KubeEvent {
    const namespace = object.namespace || 'default';
    const name = `${object.name}.${now.toString(16)}${randomBytes(2).toString('hex')}`.slice(-253);
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: { ...object, namespace: object.namespace },
      reason,
      message,
      type,
      count,
      firstTimestamp: isoSeconds(now),
      lastTimestamp: isoSeconds(now),
      source: { component: this.options.component, host: this.options.instance },
      reportingComponent: this.options.component,
      reportingInstance: this.options.instance ?? this.options.component,
    };
  }

  private take(objectKey: string, now: number): boolean {
    let bucket = this.buckets.get(objectKey);
    if (!bucket) {
      bucket = new TokenBucket(this.limit, now);
      this.buckets.set(objectKey, bucket);
      this.trim(this.buckets);
    }
    return bucket.tryTake(now);
  }

  private remember(key: string, aggregate: Aggregate): void {
    this.aggregates.set(key, aggregate);
    this.trim(this.aggregates);
  }

  private touch(key: string, aggregate: Aggregate): void {
    this.aggregates.delete(key);
    this.aggregates.set(key, aggregate);
  }

  private trim(map: Map<string, unknown>): void {
    const max = this.options.cacheSize ?? 4096;
    while (map.size > max) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  }
}

function refKey(o: ObjectReference): string {
  return `${o.kind}/${o.namespace ?? ''}/${o.name}/${o.uid ?? ''}`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

/** Event timestamps are metav1.Time: RFC 3339 with whole seconds. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
