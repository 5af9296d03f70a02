// Counts AzureAssignedIdentities by status with one list + watch over all namespaces, so that waiting for
// "all Assigned" costs the API server one watch instead of repeated lists of thousands of objects.
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { GROUP } from './world';

interface AssignedObject {
  readonly metadata?: { readonly namespace?: string; readonly name?: string; readonly resourceVersion?: string };
  readonly spec?: { readonly pod?: string };
  readonly status?: { readonly status?: string };
}

const PATH = `/apis/${GROUP}/v1/azureassignedidentities`;

export class AssignedWatch {
  private readonly status = new Map<string, string>();
  private readonly pods = new Map<string, string>();
  private abort: AbortController | undefined;
  private stopped = false;
  private lastError: unknown;
  private reconnects = 0;

  constructor(private readonly kc: KubeConfig) {}

  async start(): Promise<void> {
    await this.connect('0');
  }

  /** Number of objects currently in `state` (e.g. Assigned). */
  count(state: string): number {
    let n = 0;
    for (const s of this.status.values()) if (s === state) n++;
    return n;
  }

  /** Objects whose pod name satisfies `podMatch` and, when given, whose status is `state`. */
  countPods(podMatch: (pod: string) => boolean, state?: string): number {
    let n = 0;
    for (const [key, pod] of this.pods) if (podMatch(pod) && (state === undefined || this.status.get(key) === state)) n++;
    return n;
  }

  get total(): number {
    return this.status.size;
  }

  get error(): unknown {
    return this.lastError;
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  private async connect(resourceVersion: string): Promise<void> {
    this.abort = await new Watch(this.kc).watch(
      PATH,
      { resourceVersion, allowWatchBookmarks: true },
      (phase: string, obj: AssignedObject) => this.onEvent(phase, obj),
      (err: unknown) => this.onDone(err),
    );
  }

  private onEvent(phase: string, obj: AssignedObject): void {
    const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    if (phase === 'BOOKMARK') return;
    if (phase === 'DELETED') {
      this.status.delete(key);
      this.pods.delete(key);
    } else {
      this.status.set(key, obj.status?.status ?? '');
      this.pods.set(key, obj.spec?.pod ?? '');
    }
  }

  private onDone(err: unknown): void {
    if (err) this.lastError = err;
    if (this.stopped || ++this.reconnects > 20) return;
    // A watch ended by the server: start again from the full state (resourceVersion 0 replays it).
    this.status.clear();
    this.pods.clear();
    this.connect('0').catch((e: unknown) => {
      this.lastError = e;
    });
  }
}
