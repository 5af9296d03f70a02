// An informer that never gives up: list, watch from the list's resourceVersion, and after any error
// (or a watch that ends without progress) wait with bounded exponential backoff and list again.
// client-node 1.4.0's ListWatch does not restart after a watch error and cannot be made to re-list,
// so this runs its own loop on the same building blocks (KubeConfig auth, JSON lists, NDJSON watch).
import { Backoff, type BackoffOptions, type Clock, type Logger, systemClock } from '@pod-identity/platform';
import { KubeApiError, KubeTransportError, type KubeStatus } from '../http/errors';
import type { StreamHandle } from '../http/kube-http';
import type { ListerWatcher, WatchEvent } from './lister-watcher';
import { type IndexFunc, objectKey, type ObjectWithMeta, Store, type StoreChange } from './store';

export type InformerLogger = Pick<Logger, 'debug' | 'warn'>;

export interface InformerOptions<Raw, T> {
  readonly listerWatcher: ListerWatcher<Raw>;
  /** Applied to every object before it is stored (e.g. normalizeAzureIdentity). */
  readonly transform?: (raw: Raw) => T;
  readonly indexes?: Readonly<Record<string, IndexFunc<T>>>;
  readonly clock?: Clock;
  /** Delay between a failure and the next list. Default 500 ms doubling to 30 s, 20 % jitter. */
  readonly backoff?: BackoffOptions;
  /** Server-side watch timeout (default: random 300-600 s, like client-go). */
  readonly watchTimeoutSeconds?: number;
  /** A watch that ran this long or delivered an event resets the backoff. Default 30 s. */
  readonly healthyAfterMs?: number;
  readonly logger?: InformerLogger;
  readonly random?: () => number;
}

export type AddHandler<T> = (obj: T) => void;
export type UpdateHandler<T> = (obj: T, old: T) => void;
export type DeleteHandler<T> = (obj: T) => void;
export type ErrorHandler = (err: unknown) => void;

interface WatchOutcome {
  readonly resourceVersion: string;
  readonly err?: unknown;
  readonly events: number;
  readonly durationMs: number;
}

/** Extra bound on a watch beyond its server-side timeout, after which the client gives up on it. */
const WATCHDOG_GRACE_MS = 30_000;
/** A clean end faster than this, with no events, counts as a failure (no tight re-watch loop). */
const MIN_CLEAN_WATCH_MS = 1000;

export class Informer<T extends ObjectWithMeta, Raw = T> {
  private readonly store = new Store<T>();
  private readonly clock: Clock;
  private readonly backoff: Backoff;
  private readonly random: () => number;
  private readonly handlers = {
    add: new Set<AddHandler<T>>(),
    update: new Set<UpdateHandler<T>>(),
    delete: new Set<DeleteHandler<T>>(),
    error: new Set<ErrorHandler>(),
  };
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private syncWaiters = new Set<(synced: boolean) => void>();
  private counters = { lists: 0, watches: 0, failures: 0 };

  constructor(private readonly options: InformerOptions<Raw, T>) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...options.backoff }, this.random);
    for (const [name, fn] of Object.entries(options.indexes ?? {})) this.store.addIndex(name, fn);
  }

  onAdd(handler: AddHandler<T>): () => void {
    return this.subscribe(this.handlers.add, handler);
  }

  onUpdate(handler: UpdateHandler<T>): () => void {
    return this.subscribe(this.handlers.update, handler);
  }

  onDelete(handler: DeleteHandler<T>): () => void {
    return this.subscribe(this.handlers.delete, handler);
  }

  /** List/watch failures (the informer retries by itself) and handler exceptions. */
  onError(handler: ErrorHandler): () => void {
    return this.subscribe(this.handlers.error, handler);
  }

  /** Starts the list/watch loop (no-op when running). Handlers may be added before or after. */
  start(): void {
    if (this.running) return;
    const controller = new AbortController();
    this.controller = controller;
    this.running = this.run(controller.signal);
  }

  /** Stops watching and waits for the loop to end; no timer or connection is left behind. */
  async stop(): Promise<void> {
    this.controller?.abort();
    const running = this.running;
    this.running = undefined;
    this.controller = undefined;
    await running;
    for (const resolve of this.syncWaiters) resolve(this.synced);
    this.syncWaiters.clear();
  }

  /** True once the first list has been stored. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, false after timeoutMs or when stopped first. */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.synced) return true;
    const timer = new AbortController();
    const synced = new Promise<boolean>((resolve) => this.syncWaiters.add(resolve));
    const timedOut = this.clock.sleep(timeoutMs, timer.signal).then(
      () => false,
      () => false,
    );
    const result = await Promise.race([synced, timedOut]);
    timer.abort();
    return result || this.synced;
  }

  list(): T[] {
    return this.store.list();
  }

  /** By key: "namespace/name", or "name" for cluster-scoped objects. */
  get(key: string): T | undefined {
    return this.store.get(key);
  }

  getByName(name: string, namespace?: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    this.store.addIndex(name, fn);
  }

  byIndex(name: string, value: string): T[] {
    return this.store.byIndex(name, value);
  }

  /** Counters for metrics: lists and watches started, failures seen. */
  stats(): { readonly lists: number; readonly watches: number; readonly failures: number } {
    return { ...this.counters };
  }

  private subscribe<H>(set: Set<H>, handler: H): () => void {
    set.add(handler);
    return () => set.delete(handler);
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const healthy = await this.listAndWatch(signal);
      if (signal.aborted) break;
      if (healthy) this.backoff.reset();
      const delay = this.backoff.next();
      this.options.logger?.debug(
        { resource: this.options.listerWatcher.description, delayMs: delay },
        'informer: re-listing after backoff',
      );
      try {
        await this.clock.sleep(delay, signal);
      } catch {
        break;
      }
    }
  }

  /** One list followed by watches; returns whether it made progress (to reset the backoff). */
  private async listAndWatch(signal: AbortSignal): Promise<boolean> {
    let resourceVersion: string;
    try {
      this.counters.lists++;
      const { items, resourceVersion: rv } = await this.options.listerWatcher.list(signal, (page) =>
        this.transformAll(page),
      );
      if (signal.aborted) return false;
      this.deliver(this.store.replace(items));
      this.markSynced();
      resourceVersion = rv;
    } catch (err) {
      if (!signal.aborted) this.fail(err, 'list');
      return false;
    }
    let healthy = false;
    for (;;) {
      const outcome = await this.watchOnce(resourceVersion, signal);
      resourceVersion = outcome.resourceVersion;
      healthy ||= outcome.events > 0 || outcome.durationMs >= (this.options.healthyAfterMs ?? 30_000);
      if (signal.aborted) return healthy;
      if (outcome.err !== undefined) {
        this.fail(outcome.err, 'watch');
        return healthy;
      }
      if (outcome.events === 0 && outcome.durationMs < MIN_CLEAN_WATCH_MS) return healthy;
      // A clean end (server-side timeout): carry on from where we are.
    }
  }

  private watchOnce(resourceVersion: string, signal: AbortSignal): Promise<WatchOutcome> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? Math.round(300 + 300 * this.random());
    const startedAt = this.clock.now();
    this.counters.watches++;
    return new Promise<WatchOutcome>((resolve) => {
      let rv = resourceVersion;
      let events = 0;
      let done = false;
      let handle: StreamHandle | undefined;
      const watchdog = new AbortController();
      const finish = (err?: unknown): void => {
        if (done) return;
        done = true;
        watchdog.abort();
        signal.removeEventListener('abort', onAbort);
        handle?.abort();
        resolve({ resourceVersion: rv, err, events, durationMs: this.clock.now() - startedAt });
      };
      const onAbort = (): void => finish();
      signal.addEventListener('abort', onAbort, { once: true });
      const onEvent = (event: WatchEvent<Raw>): void => {
        if (done) return;
        const next = this.applyEvent(event);
        if (next.err !== undefined) return finish(next.err);
        if (next.resourceVersion) rv = next.resourceVersion;
        if (next.counted) events++;
      };
      this.options.listerWatcher
        .watch({ resourceVersion, timeoutSeconds }, { onEvent, onEnd: finish })
        .then((h) => {
          handle = h;
          if (done) h.abort();
        })
        .catch(finish);
      this.clock.sleep(timeoutSeconds * 1000 + WATCHDOG_GRACE_MS, watchdog.signal).then(
        () => finish(new KubeTransportError(`watch of ${this.options.listerWatcher.description} stalled`)),
        () => undefined,
      );
      if (signal.aborted) finish();
    });
  }

  private applyEvent(event: WatchEvent<Raw>): { err?: unknown; resourceVersion?: string; counted?: boolean } {
    if (event.type === 'ERROR') return { err: statusError(event.object as KubeStatus) };
    const resourceVersion = (event.object as ObjectWithMeta | undefined)?.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') return { resourceVersion };
    const obj = this.transformOne(event.object as Raw);
    if (obj === undefined) return { resourceVersion };
    const change = event.type === 'DELETED' ? this.store.remove(obj) : this.store.upsert(obj);
    if (change) this.deliver([change]);
    return { resourceVersion, counted: true };
  }

  private transformAll(items: readonly Raw[]): T[] {
    return items.map((raw) => this.transformOne(raw)).filter((o): o is T => o !== undefined);
  }

  private transformOne(raw: Raw): T | undefined {
    try {
      return this.options.transform ? this.options.transform(raw) : (raw as unknown as T);
    } catch (err) {
      this.emitError(
        new Error(`informer: cannot transform ${objectKey(raw as ObjectWithMeta)}`, { cause: err }),
      );
      return undefined;
    }
  }

  private deliver(changes: ReadonlyArray<StoreChange<T>>): void {
    for (const change of changes) {
      if (change.type === 'add') this.call(this.handlers.add, (h) => h(change.obj));
      else if (change.type === 'update') this.call(this.handlers.update, (h) => h(change.obj, change.old));
      else this.call(this.handlers.delete, (h) => h(change.obj));
    }
  }

  private call<H>(set: Set<H>, invoke: (handler: H) => void): void {
    for (const handler of [...set]) {
      try {
        invoke(handler);
      } catch (err) {
        this.emitError(new Error('informer: event handler threw', { cause: err }));
      }
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const resolve of this.syncWaiters) resolve(true);
    this.syncWaiters.clear();
  }

  private fail(err: unknown, phase: 'list' | 'watch'): void {
    this.counters.failures++;
    this.options.logger?.warn(
      { err, resource: this.options.listerWatcher.description, phase },
      'informer: list/watch failed; retrying',
    );
    this.emitError(err);
  }

  private emitError(err: unknown): void {
    for (const handler of [...this.handlers.error]) {
      try {
        handler(err);
      } catch {
        // an error handler must not break the loop
      }
    }
  }
}

function statusError(status: KubeStatus | undefined): KubeApiError {
  const code = status?.code ?? 500;
  return new KubeApiError(
    code,
    status?.reason ?? 'Unknown',
    status?.message ?? 'watch ERROR event',
    status,
    'WATCH',
  );
}
