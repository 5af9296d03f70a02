// The world as MIC sees it: informers for labelled pods, nodes, bindings, identities and assigned
// identities (each re-lists and re-watches after any error), the events that mark it dirty, and
// snapshots for the planner.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { BINDING_LABEL, type AzureAssignedIdentity } from '@pod-identity/crd-types';
import {
  crdInformer,
  nodeInformer,
  podInformer,
  type Informer,
  type InformerLogger,
  type KubeHttp,
} from '@pod-identity/kube';
import type { Clock } from '@pod-identity/platform';
import type { ClusterSnapshot, NodeInfo, PlannerSettings, PodInfo } from '../plan/model';
import { WriteOverlay } from './overlay';
import { slimNode, slimPod, withoutManagedFields } from './slim';

export type DirtySource = 'pod' | 'node' | 'binding' | 'identity' | 'assigned';

export function toPodInfo(pod: V1Pod): PodInfo {
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    nodeName: pod.spec?.nodeName || undefined,
    phase: pod.status?.phase,
    labels: pod.metadata?.labels ?? {},
    serviceAccount: pod.spec?.serviceAccountName || undefined,
  };
}

export function toNodeInfo(node: V1Node): NodeInfo {
  return { name: node.metadata?.name ?? '', providerID: node.spec?.providerID };
}

/** Pod changes that can change a plan: node, binding label, finishing. */
export function podChangeMatters(pod: V1Pod, old: V1Pod): boolean {
  const finished = (p: V1Pod): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
  return (
    pod.spec?.nodeName !== old.spec?.nodeName ||
    pod.metadata?.labels?.[BINDING_LABEL] !== old.metadata?.labels?.[BINDING_LABEL] ||
    finished(pod) !== finished(old)
  );
}

export interface WorldOptions {
  readonly http: KubeHttp;
  readonly clock: Clock;
  readonly logger: InformerLogger;
  readonly onDirty: (source: DirtySource) => void;
}

export class World {
  readonly pods: Informer<V1Pod>;
  readonly nodes: Informer<V1Node>;
  readonly bindings: ReturnType<typeof crdInformer<'AzureIdentityBinding'>>;
  readonly identities: ReturnType<typeof crdInformer<'AzureIdentity'>>;
  readonly assigned: ReturnType<typeof crdInformer<'AzureAssignedIdentity'>>;
  readonly overlay: WriteOverlay;

  constructor(options: WorldOptions) {
    const { http, logger, onDirty } = options;
    this.overlay = new WriteOverlay(options.clock);
    // Caches keep only what MIC reads (./slim): memory follows MIC's needs, not the cluster's objects.
    this.pods = podInformer(http, {
      labelSelector: BINDING_LABEL,
      logger,
      clock: options.clock,
      trim: slimPod,
    });
    this.nodes = nodeInformer(http, { logger, clock: options.clock, trim: slimNode });
    this.bindings = crdInformer(http, 'AzureIdentityBinding', {
      logger,
      clock: options.clock,
      trim: withoutManagedFields,
    });
    this.identities = crdInformer(http, 'AzureIdentity', {
      logger,
      clock: options.clock,
      trim: withoutManagedFields,
    });
    this.assigned = crdInformer(http, 'AzureAssignedIdentity', {
      logger,
      clock: options.clock,
      trim: withoutManagedFields,
    });
    const dirty = (source: DirtySource) => (): void => onDirty(source);
    this.pods.onAdd(dirty('pod'));
    this.pods.onDelete(dirty('pod'));
    this.pods.onUpdate((pod, old) => podChangeMatters(pod, old) && onDirty('pod'));
    this.nodes.onAdd(dirty('node'));
    this.nodes.onDelete(dirty('node'));
    this.nodes.onUpdate((n, old) => n.spec?.providerID !== old.spec?.providerID && onDirty('node'));
    for (const inf of [this.bindings, this.identities] as const) {
      const source = inf === this.bindings ? 'binding' : 'identity';
      inf.onAdd(dirty(source));
      inf.onUpdate(dirty(source));
      inf.onDelete(dirty(source));
    }
    // Someone else deleting an assigned identity (or its finalizer going) must be looked at.
    this.assigned.onDelete(dirty('assigned'));
    this.assigned.onUpdate(
      (a, old) =>
        !!a.metadata?.deletionTimestamp !== !!old.metadata?.deletionTimestamp && onDirty('assigned'),
    );
  }

  private all(): Array<Informer<never, unknown>> {
    return [this.pods, this.nodes, this.bindings, this.identities, this.assigned] as unknown as Array<
      Informer<never, unknown>
    >;
  }

  start(): void {
    for (const inf of this.all()) inf.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((inf) => inf.stop()));
  }

  /** True once every informer has listed. */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all(this.all().map((inf) => inf.waitForSync(timeoutMs)));
    return results.every(Boolean);
  }

  synced(): boolean {
    return this.all().every((inf) => inf.hasSynced());
  }

  assignedIdentities(): AzureAssignedIdentity[] {
    return this.overlay.merge(this.assigned.list());
  }

  snapshot(settings: PlannerSettings): ClusterSnapshot {
    return {
      pods: this.pods.list().map(toPodInfo),
      nodes: new Map(this.nodes.list().map((n) => [n.metadata?.name ?? '', toNodeInfo(n)])),
      bindings: this.bindings.list(),
      identities: this.identities.list(),
      assigned: this.assignedIdentities(),
      settings,
    };
  }
}
