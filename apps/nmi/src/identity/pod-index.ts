// Pods of this node indexed by IP. Fed by the pod informer (add/update/delete); lookups return only
// live pods (Pending or Running), so a terminated pod whose IP was reused does not count, but two live
// pods with one IP are reported as such, never guessed between.
import { ChangeSignal } from '../util/change-signal';
import { isLivePhase, type PodInfo, podKey } from './model';

export class PodIndex {
  private readonly byUid = new Map<string, PodInfo>();
  private readonly byIp = new Map<string, Set<string>>();
  private readonly byName = new Map<string, string>();
  readonly changed = new ChangeSignal();

  upsert(pod: PodInfo): void {
    this.removeUid(pod.uid);
    this.byUid.set(pod.uid, pod);
    this.byName.set(podKey(pod), pod.uid);
    for (const ip of pod.ips) {
      let uids = this.byIp.get(ip);
      if (!uids) this.byIp.set(ip, (uids = new Set()));
      uids.add(pod.uid);
    }
    this.changed.notify();
  }

  remove(pod: Pick<PodInfo, 'uid'>): void {
    this.removeUid(pod.uid);
    this.changed.notify();
  }

  /** Live pods holding `ip` (canonical form). */
  podsWithIp(ip: string): PodInfo[] {
    const uids = this.byIp.get(ip);
    if (!uids) return [];
    return [...uids].map((uid) => this.byUid.get(uid)).filter((p): p is PodInfo => !!p && isLivePhase(p.phase));
  }

  podByName(namespace: string, name: string): PodInfo | undefined {
    const uid = this.byName.get(`${namespace}/${name}`);
    return uid === undefined ? undefined : this.byUid.get(uid);
  }

  size(): number {
    return this.byUid.size;
  }

  private removeUid(uid: string): void {
    const old = this.byUid.get(uid);
    if (!old) return;
    this.byUid.delete(uid);
    if (this.byName.get(podKey(old)) === uid) this.byName.delete(podKey(old));
    for (const ip of old.ips) {
      const uids = this.byIp.get(ip);
      uids?.delete(uid);
      if (uids && uids.size === 0) this.byIp.delete(ip);
    }
  }
}
