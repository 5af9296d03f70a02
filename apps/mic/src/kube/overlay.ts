// MIC's own recent writes to AzureAssignedIdentities, laid over the informer cache until the cache has
// caught up. Without it, a sync that starts right after a write would see the old object and redo the
// work; with it there is no need to sleep "to let caches catch up".
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { Clock } from '@pod-identity/platform';
import { rvAtLeast } from './resource-version';

interface Entry {
  readonly obj?: AzureAssignedIdentity;
  readonly rv?: string;
  readonly at: number;
}

const TTL_MS = 60_000;

function key(ns: string | undefined, name: string | undefined): string {
  return `${ns ?? ''}/${name ?? ''}`;
}

export class WriteOverlay {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  written(obj: AzureAssignedIdentity): void {
    this.entries.set(key(obj.metadata?.namespace, obj.metadata?.name), {
      obj,
      rv: obj.metadata?.resourceVersion,
      at: this.clock.now(),
    });
  }

  deleted(ns: string, name: string, rv?: string): void {
    this.entries.set(key(ns, name), { rv, at: this.clock.now() });
  }

  /** The cache's objects with MIC's newer writes applied. */
  merge(cached: readonly AzureAssignedIdentity[]): AzureAssignedIdentity[] {
    const now = this.clock.now();
    const out: AzureAssignedIdentity[] = [];
    const seen = new Set<string>();
    for (const obj of cached) {
      const k = key(obj.metadata?.namespace, obj.metadata?.name);
      seen.add(k);
      const e = this.entries.get(k);
      if (!e || this.caughtUp(obj, e, now)) {
        this.entries.delete(k);
        out.push(obj);
      } else if (e.obj) out.push(e.obj);
    }
    for (const [k, e] of this.entries) {
      if (seen.has(k)) continue;
      // Not in the cache: a deletion has been observed, or a creation not yet.
      if (!e.obj || now - e.at > TTL_MS) this.entries.delete(k);
      else out.push(e.obj);
    }
    return out;
  }

  private caughtUp(cached: AzureAssignedIdentity, e: Entry, now: number): boolean {
    if (now - e.at > TTL_MS) return true;
    if (!e.obj)
      return cached.metadata?.resourceVersion !== e.rv && rvAtLeast(cached.metadata?.resourceVersion, e.rv);
    return rvAtLeast(cached.metadata?.resourceVersion, e.rv);
  }
}
