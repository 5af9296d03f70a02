// Ready-made informers for what MIC and NMI watch.
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Kind } from '@pod-identity/crd-types';
import { normalizeCrdObject } from '@pod-identity/crd-types';
import { crdPath, type CrdObjects } from '../crd/crd-client';
import type { KubeHttp } from '../http/kube-http';
import { Informer, type InformerOptions } from './informer';
import { httpListerWatcher, type ResourceSelectors } from './lister-watcher';

export type InformerTuning<T> = Omit<InformerOptions<unknown, T>, 'listerWatcher' | 'transform'> & {
  /** Keeps only what the caller reads before an object is cached (a cache of full objects costs memory). */
  readonly trim?: (obj: T) => T;
};

export interface PodInformerOptions extends ResourceSelectors, InformerTuning<V1Pod> {
  /** Omit for all namespaces. */
  readonly namespace?: string;
}

/** Pods, with the caller's indexes (MIC: labelSelector `aadpodidbinding`, trimmed). */
export function podInformer(http: KubeHttp, options: PodInformerOptions = {}): Informer<V1Pod> {
  const { namespace, labelSelector, fieldSelector, indexes, trim, ...tuning } = options;
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
  return new Informer<V1Pod>({
    ...tuning,
    transform: trim,
    listerWatcher: httpListerWatcher<V1Pod>(http, { path, labelSelector, fieldSelector }),
    indexes,
  });
}

export function nodeInformer(
  http: KubeHttp,
  options: ResourceSelectors & InformerTuning<V1Node> = {},
): Informer<V1Node> {
  const { labelSelector, fieldSelector, trim, ...tuning } = options;
  return new Informer<V1Node>({
    ...tuning,
    transform: trim,
    listerWatcher: httpListerWatcher<V1Node>(http, { path: '/api/v1/nodes', labelSelector, fieldSelector }),
  });
}

export interface CrdInformerOptions<K extends Kind> extends ResourceSelectors, InformerTuning<CrdObjects[K]> {
  readonly namespace?: string;
}

/**
 * One of our CRDs, normalised on the way in. NMI: AzureAssignedIdentity with labelSelector
 * `nodename=<node>` (NODENAME_LABEL).
 */
export function crdInformer<K extends Kind>(
  http: KubeHttp,
  kind: K,
  options: CrdInformerOptions<K> = {},
): Informer<CrdObjects[K], unknown> {
  const { namespace, labelSelector, fieldSelector, trim, ...tuning } = options;
  return new Informer<CrdObjects[K], unknown>({
    ...tuning,
    listerWatcher: httpListerWatcher<unknown>(http, {
      path: crdPath(kind, namespace),
      labelSelector,
      fieldSelector,
    }),
    transform: trim ? (raw) => trim(normalizeCrdObject(kind, raw)) : (raw) => normalizeCrdObject(kind, raw),
  });
}
