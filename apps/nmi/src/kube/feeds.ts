// Informers (libs/kube) → NMI's in-memory views. The informer re-lists by itself after any watch
// error and turns a relist into add/update/delete events, so a view only ever sees those three. Each
// feed reports `synced` once its first list has arrived; the readiness probe waits for all of them.

/** What a feed needs of an informer (libs/kube's Informer has exactly this shape). */
export interface InformerLike<T> {
  onAdd(handler: (obj: T) => void): () => void;
  onUpdate(handler: (obj: T, old: T) => void): () => void;
  onDelete(handler: (obj: T) => void): () => void;
  onError(handler: (err: unknown) => void): () => void;
  start(): void;
  stop(): Promise<void>;
  hasSynced(): boolean;
  waitForSync(timeoutMs: number): Promise<boolean>;
}

export interface ViewSink<T> {
  upsert(obj: T): void;
  remove(obj: T): void;
}

export interface Feed {
  readonly name: string;
  /** Starts the informer and waits (at most `syncWaitMs`) for its first list; never throws for that. */
  start(): Promise<void>;
  stop(): Promise<void>;
  synced(): boolean;
}

export interface FeedOptions {
  /** Bound of the wait for the first list in start(); the informer keeps trying after it. */
  readonly syncWaitMs: number;
  readonly onError: (feed: string, err: unknown) => void;
  /** Called when start() gave up waiting for the first list. */
  readonly onSlowSync?: (feed: string) => void;
}

/** Connects an informer to a view; the view holds converted objects. */
export function informerFeed<T, V>(
  name: string,
  informer: InformerLike<T>,
  sink: ViewSink<V>,
  convert: (obj: T) => V,
  options: FeedOptions,
): Feed {
  informer.onAdd((obj) => sink.upsert(convert(obj)));
  informer.onUpdate((obj) => sink.upsert(convert(obj)));
  informer.onDelete((obj) => sink.remove(convert(obj)));
  informer.onError((err) => options.onError(name, err));
  return {
    name,
    async start() {
      informer.start();
      if (!(await informer.waitForSync(options.syncWaitMs))) options.onSlowSync?.(name);
    },
    stop: () => informer.stop(),
    synced: () => informer.hasSynced(),
  };
}
