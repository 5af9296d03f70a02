// V1Pod → PodInfo (pure). Addresses come from status.podIPs and status.podIP, in canonical form.
import type { V1Pod } from '@kubernetes/client-node';
import { canonicalIp } from '../identity/ip';
import type { PodInfo } from '../identity/model';
import type { PodRecord } from '../identity/views';

function podIps(pod: V1Pod): string[] {
  const raw = [...(pod.status?.podIPs ?? []).map((entry) => entry.ip), pod.status?.podIP];
  const ips = new Set<string>();
  for (const value of raw) {
    const ip = canonicalIp(value);
    if (ip) ips.add(ip);
  }
  return [...ips];
}

export function toPodInfo(pod: V1Pod): PodInfo {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const name = meta.name ?? '';
  const created = meta.creationTimestamp;
  return {
    namespace,
    name,
    uid: meta.uid ?? `${namespace}/${name}`,
    labels: { ...meta.labels },
    phase: pod.status?.phase ?? 'Pending',
    ips: podIps(pod),
    createdAtMs: created ? new Date(created).getTime() : undefined,
    serviceAccount: pod.spec?.serviceAccountName || undefined,
  };
}

/** What the pod informer stores: the PodInfo, keyed and versioned like the pod (the only copy NMI keeps). */
export function toPodRecord(pod: V1Pod): PodRecord {
  const info = toPodInfo(pod);
  const { resourceVersion, uid } = pod.metadata ?? {};
  return { ...info, metadata: { namespace: info.namespace, name: info.name, resourceVersion, uid } };
}

/** Whether a container of the pod adds NET_RAW or runs privileged (it could spoof other pods' IPs). */
export function podCanSpoof(pod: V1Pod): boolean {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return containers.some((c) => {
    const sc = c.securityContext;
    return (
      sc?.privileged === true || (sc?.capabilities?.add ?? []).some((cap) => /^(CAP_)?NET_RAW$/i.test(cap))
    );
  });
}
