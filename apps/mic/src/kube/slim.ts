// What MIC keeps of each watched object. Informer caches held full objects (pod specs and statuses, node
// statuses with their image lists, managedFields everywhere), and MIC reads a handful of fields: keeping only
// those bounds memory by MIC's needs instead of by what the cluster's objects carry. Pure.
import type { V1Node, V1ObjectMeta, V1Pod } from '@kubernetes/client-node';
import { BINDING_LABEL } from '@pod-identity/crd-types';

/** Identity of an object in the cache (store key, versions, deletion). */
function baseMeta(meta: V1ObjectMeta | undefined): V1ObjectMeta {
  return {
    name: meta?.name,
    namespace: meta?.namespace,
    uid: meta?.uid,
    resourceVersion: meta?.resourceVersion,
    ...(meta?.deletionTimestamp ? { deletionTimestamp: meta.deletionTimestamp } : {}),
  };
}

/** Name, binding label, node, ServiceAccount and phase: what the planner (PodInfo) and podChangeMatters read. */
export function slimPod(pod: V1Pod): V1Pod {
  const selector = pod.metadata?.labels?.[BINDING_LABEL];
  return {
    metadata: {
      ...baseMeta(pod.metadata),
      labels: selector === undefined ? {} : { [BINDING_LABEL]: selector },
    },
    spec: { nodeName: pod.spec?.nodeName, serviceAccountName: pod.spec?.serviceAccountName, containers: [] },
    status: { phase: pod.status?.phase },
  };
}

/** Name and providerID: what NodeInfo reads. */
export function slimNode(node: V1Node): V1Node {
  return { metadata: baseMeta(node.metadata), spec: { providerID: node.spec?.providerID } };
}

/**
 * Our CRD objects whole, minus managedFields (often the largest part). MIC sends updates built from these;
 * an update without managedFields leaves the server's record of them as it is.
 */
export function withoutManagedFields<T extends { metadata?: object }>(obj: T): T {
  // Our generated CRD types do not declare managedFields, but the server sends them.
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta?.managedFields === undefined) return obj;
  const { managedFields: _dropped, ...metadata } = meta;
  return { ...obj, metadata };
}
