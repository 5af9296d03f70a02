// The life cycle of NMI's informers (libs/kube): start, a bounded wait for the first list, stop, errors
// to the log. The informer re-lists by itself after any watch error. NMI reads the informers' stores
// directly (informer-view.ts). Each feed reports `synced` once its first list has arrived; the
// readiness probe waits for all of them.

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

/** Runs an informer as one of NMI's feeds. */
export function informerFeed<T>(name: string, informer: InformerLike<T>, options: FeedOptions): Feed {
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
