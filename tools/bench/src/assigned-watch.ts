// Counts AzureAssignedIdentities by status through the same informer MIC and NMI use (list, then watch,
// relist after any failure with backoff), so that waiting for "all Assigned" costs the API server one watch
// instead of repeated lists of thousands of objects, and a watch the server closes is resumed rather than
// silently lost.
import { crdInformer, type Informer, type KubeHttp } from '@pod-identity/kube';
import type { NormalizedAzureAssignedIdentity as AzureAssignedIdentity } from '@pod-identity/crd-types';

/** Only what the bench counts: a 10,000-object cache of full objects would cost the bench ~100 MB. */
function slim(obj: AzureAssignedIdentity): AzureAssignedIdentity {
  const { name, namespace, resourceVersion } = obj.metadata ?? {};
  return {
    metadata: { name, namespace, resourceVersion },
    spec: { pod: obj.spec.pod, podNamespace: obj.spec.podNamespace, nodename: obj.spec.nodename },
    status: { status: obj.status?.status },
  };
}

export class AssignedWatch {
  private readonly informer: Informer<AzureAssignedIdentity, unknown>;
  private lastError: unknown;
  private failures = 0;
  /** Objects whose first version the bench saw was already Assigned (created Assigned, ADR 0013). */
  private bornAssigned = 0;

  constructor(http: KubeHttp) {
    this.informer = crdInformer(http, 'AzureAssignedIdentity', { trim: slim });
    this.informer.onAdd((obj) => {
      if (obj.status?.status === 'Assigned') this.bornAssigned++;
    });
    this.informer.onError((err) => {
      this.lastError = err;
      this.failures++;
    });
  }

  /** Starts the informer and waits for its first list. */
  async start(): Promise<void> {
    this.informer.start();
    if (!(await this.informer.waitForSync(30_000)))
      throw new Error(`AzureAssignedIdentity informer did not sync in 30 s: ${String(this.lastError)}`);
  }

  /** Number of objects currently in `state` (e.g. Assigned). */
  count(state: string): number {
    return this.countPods(() => true, state);
  }

  /** Objects whose pod name satisfies `podMatch` and, when given, whose status is `state`. */
  countPods(podMatch: (pod: string) => boolean, state?: string): number {
    let n = 0;
    for (const obj of this.informer.list()) {
      if (podMatch(obj.spec.pod) && (state === undefined || obj.status?.status === state)) n++;
    }
    return n;
  }

  /** Objects first seen already Assigned since the last call (then counting starts again). */
  takeBornAssigned(): number {
    const n = this.bornAssigned;
    this.bornAssigned = 0;
    return n;
  }

  get total(): number {
    return this.informer.list().length;
  }

  /** Failed lists/watches so far (the informer retried each) and the last one, for the timeout message. */
  describeFailures(): string {
    return this.failures === 0
      ? 'no list/watch failures'
      : `${this.failures} list/watch failures, last: ${String(this.lastError)}`;
  }

  async stop(): Promise<void> {
    await this.informer.stop();
  }
}
