// What NMI reads of the watched objects. In production each view is the informer's own indexed store
// (kube/informer-view.ts), so every object is held once; unit tests use testing/memory-view.ts.
import type { ChangeSignal } from '../util/change-signal';
import type { PodInfo } from './model';

export interface ObjectView<T> {
  /** Notified on every add, update and delete. */
  readonly changed: ChangeSignal;
  get(namespace: string, name: string): T | undefined;
  byIndex(index: string, value: string): T[];
  list(): T[];
}

/** A pod as NMI keeps it: PodInfo plus the metadata the informer keys and versions it by. */
export interface PodRecord extends PodInfo {
  readonly metadata: {
    readonly namespace: string;
    readonly name: string;
    readonly resourceVersion?: string;
    readonly uid?: string;
  };
}

/** Index names and functions, shared by the informers and the in-memory views of unit tests. */
export const POD_IP_INDEX = 'ip';
export const ASSIGNED_BY_POD_INDEX = 'pod';
export const NAMESPACE_INDEX = 'namespace';

export const podIpIndex = (pod: PodRecord): readonly string[] => pod.ips;

export function assignedByPodIndex(a: {
  readonly spec?: { readonly pod?: string; readonly podNamespace?: string };
}): readonly string[] {
  return a.spec?.pod && a.spec.podNamespace ? [`${a.spec.podNamespace}/${a.spec.pod}`] : [];
}

export function namespaceIndex(o: {
  readonly metadata?: { readonly namespace?: string };
}): readonly string[] {
  return o.metadata?.namespace ? [o.metadata.namespace] : [];
}
