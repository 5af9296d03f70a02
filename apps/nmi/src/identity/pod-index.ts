// This node's pods by IP, read from the pod informer's store (its IP index). Lookups return only live
// pods (Pending or Running), so a terminated pod whose IP was reused does not count, but two live pods
// with one IP are reported as such, never guessed between.
import type { ChangeSignal } from '../util/change-signal';
import { isLivePhase, type PodInfo } from './model';
import { POD_IP_INDEX, type ObjectView, type PodRecord } from './views';

export class PodIndex {
  constructor(private readonly view: ObjectView<PodRecord>) {}

  get changed(): ChangeSignal {
    return this.view.changed;
  }

  /** Live pods holding `ip` (canonical form). */
  podsWithIp(ip: string): PodInfo[] {
    return this.view.byIndex(POD_IP_INDEX, ip).filter((p) => isLivePhase(p.phase));
  }

  podByName(namespace: string, name: string): PodInfo | undefined {
    return this.view.get(namespace, name);
  }

  size(): number {
    return this.view.list().length;
  }
}
