// The port an informer reads through: one list, then a watch from its resourceVersion.
import type { KubeHttp, StreamHandle } from '../http/kube-http';
import type { KubeStatus } from '../http/errors';

export interface ListResult<T> {
  readonly items: T[];
  readonly resourceVersion: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  /** The object, or a Status for ERROR events. */
  readonly object: T | KubeStatus;
}

export interface WatchCallbacks<T> {
  readonly onEvent: (event: WatchEvent<T>) => void;
  /** Once: undefined for a clean end (including abort), else the error. */
  readonly onEnd: (err?: unknown) => void;
}

export interface WatchOptions {
  readonly resourceVersion: string;
  /** Ask the server to end the watch after this many seconds (clean end -> re-watch). */
  readonly timeoutSeconds: number;
}

export interface ListerWatcher<T> {
  /** A human-readable name for logs, e.g. "/api/v1/pods?fieldSelector=spec.nodeName=n1". */
  readonly description: string;
  /**
   * Lists the collection. `keep` runs on each page as it arrives, so a large list holds one raw page at a
   * time next to what the caller keeps (an informer keeps trimmed objects).
   */
  list<U = T>(signal: AbortSignal, keep?: (page: T[]) => U[]): Promise<ListResult<U>>;
  /** Resolves once the watch is established; rejects when it could not be. */
  watch(options: WatchOptions, callbacks: WatchCallbacks<T>): Promise<StreamHandle>;
}

export interface ResourceSelectors {
  /** e.g. "nodename=node-1" or "aadpodidbinding" */
  readonly labelSelector?: string;
  /** e.g. "spec.nodeName=node-1" */
  readonly fieldSelector?: string;
}

export interface HttpListerWatcherOptions extends ResourceSelectors {
  /** Collection path, e.g. /api/v1/pods or /apis/aadpodidentity.k8s.io/v1/azureassignedidentities */
  readonly path: string;
  /** Page size for the list (default 500; 0 disables paging). */
  readonly pageSize?: number;
}

interface ListBody<T> {
  items?: T[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

/** Lists (paged) and watches a collection path through KubeHttp. */
export function httpListerWatcher<T>(http: KubeHttp, options: HttpListerWatcherOptions): ListerWatcher<T> {
  const selectors = { labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
  const pageSize = options.pageSize ?? 500;
  const description = describe(options);
  return {
    description,
    async list<U>(signal: AbortSignal, keep?: (page: T[]) => U[]) {
      const items: U[] = [];
      let cont: string | undefined;
      let resourceVersion = '';
      do {
        const query = { ...selectors, limit: pageSize > 0 ? pageSize : undefined, continue: cont };
        const page = await http.request<ListBody<T>>({ method: 'GET', path: options.path, query, signal });
        const raw = page.items ?? [];
        for (const item of keep ? keep(raw) : (raw as unknown as U[])) items.push(item);
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return { items, resourceVersion };
    },
    watch(watchOptions, callbacks) {
      const query = {
        ...selectors,
        watch: 'true',
        allowWatchBookmarks: 'true',
        resourceVersion: watchOptions.resourceVersion,
        timeoutSeconds: watchOptions.timeoutSeconds,
      };
      return http.stream(
        { method: 'GET', path: options.path, query },
        { onObject: (value) => callbacks.onEvent(value as WatchEvent<T>), onEnd: callbacks.onEnd },
      );
    },
  };
}

function describe(options: HttpListerWatcherOptions): string {
  const parts = [
    options.labelSelector ? `labelSelector=${options.labelSelector}` : '',
    options.fieldSelector ? `fieldSelector=${options.fieldSelector}` : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? `${options.path}?${parts.join('&')}` : options.path;
}
