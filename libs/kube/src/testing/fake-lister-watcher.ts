// An in-memory ListerWatcher for unit tests of code built on Informer: a tiny "server" holding
// objects with resourceVersions, one active watch at a time, and failure injection.
import type { StreamHandle } from '../http/kube-http';
import type {
  ListResult,
  ListerWatcher,
  WatchCallbacks,
  WatchEventType,
  WatchOptions,
} from '../informer/lister-watcher';
import { objectKey, type ObjectWithMeta } from '../informer/store';

interface ActiveWatch<T> {
  readonly options: WatchOptions;
  readonly callbacks: WatchCallbacks<T>;
  aborted: boolean;
}

export class FakeListerWatcher<T extends ObjectWithMeta> implements ListerWatcher<T> {
  readonly description = 'fake';
  private readonly objects = new Map<string, T>();
  private rv = 100;
  private active: ActiveWatch<T> | undefined;
  private watchWaiters: Array<() => void> = [];
  /** Errors thrown by the next list() calls, in order. */
  readonly listFailures: unknown[] = [];
  /** Errors rejecting the next watch() calls, in order. */
  readonly watchFailures: unknown[] = [];
  listCalls = 0;
  watchCalls = 0;
  /** The resourceVersion of every watch() call. */
  readonly watchedFrom: string[] = [];

  async list<U = T>(signal: AbortSignal, keep?: (page: T[]) => U[]): Promise<ListResult<U>> {
    this.listCalls++;
    signal.throwIfAborted();
    const failure = this.listFailures.shift();
    if (failure !== undefined) throw failure;
    const page = [...this.objects.values()].map(clone);
    return { items: keep ? keep(page) : (page as unknown as U[]), resourceVersion: String(this.rv) };
  }

  async watch(options: WatchOptions, callbacks: WatchCallbacks<T>): Promise<StreamHandle> {
    this.watchCalls++;
    this.watchedFrom.push(options.resourceVersion);
    const failure = this.watchFailures.shift();
    if (failure !== undefined) throw failure;
    const watch: ActiveWatch<T> = { options, callbacks, aborted: false };
    this.active = watch;
    for (const resolve of this.watchWaiters.splice(0)) resolve();
    return {
      abort: () => {
        watch.aborted = true;
        if (this.active === watch) this.active = undefined;
      },
    };
  }

  /** True while a watch is open. */
  get watching(): boolean {
    return this.active !== undefined;
  }

  /** Resolves when a watch is open (now or later). */
  whenWatching(): Promise<void> {
    if (this.active) return Promise.resolve();
    return new Promise((resolve) => this.watchWaiters.push(resolve));
  }

  /** Server-side create/update: bumps the resourceVersion and tells the open watch. */
  put(obj: T): T {
    const key = objectKey(obj);
    const type: WatchEventType = this.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = this.stamp(obj);
    this.objects.set(key, stored);
    this.send(type, stored);
    return stored;
  }

  /** Server-side delete. */
  delete(obj: T): void {
    const key = objectKey(obj);
    const existing = this.objects.get(key);
    if (!existing) return;
    this.objects.delete(key);
    this.send('DELETED', this.stamp(existing));
  }

  /** Changes state without telling the watch (as if the event was lost while disconnected). */
  putSilently(obj: T): void {
    this.objects.set(objectKey(obj), this.stamp(obj));
  }

  deleteSilently(obj: T): void {
    this.objects.delete(objectKey(obj));
    this.rv++;
  }

  /** Sends a raw event to the open watch (e.g. ERROR with a 410 Status, BOOKMARK). */
  send(type: WatchEventType, object: unknown): void {
    const watch = this.active;
    if (!watch || watch.aborted) return;
    watch.callbacks.onEvent({ type, object: clone(object) as T });
  }

  /** Ends the open watch, cleanly or with an error. */
  endWatch(err?: unknown): void {
    const watch = this.active;
    if (!watch) return;
    this.active = undefined;
    watch.callbacks.onEnd(err);
  }

  private stamp(obj: T): T {
    this.rv++;
    return { ...clone(obj), metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
  }
}

function clone<V>(value: V): V {
  return JSON.parse(JSON.stringify(value)) as V;
}
