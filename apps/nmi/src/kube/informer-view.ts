// An informer's indexed store as NMI's ObjectView: nothing is copied; every event wakes the waiters.
import type { Informer, ObjectWithMeta } from '@pod-identity/kube';
import type { ObjectView } from '../identity/views';
import { ChangeSignal } from '../util/change-signal';

export function informerView<T extends ObjectWithMeta, Raw>(informer: Informer<T, Raw>): ObjectView<T> {
  const changed = new ChangeSignal();
  const notify = (): void => changed.notify();
  informer.onAdd(notify);
  informer.onUpdate(notify);
  informer.onDelete(notify);
  return {
    changed,
    get: (namespace, name) => informer.getByName(name, namespace || undefined),
    byIndex: (index, value) => informer.byIndex(index, value),
    list: () => informer.list(),
  };
}
