// Collects per-VM/VMSS work while the planner walks desired and existing assignments.
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { ObjectRef, TargetPlan, TargetRef } from './model';

interface Bucket {
  target: TargetRef;
  needed: Set<string>;
  releasable: Set<string>;
  confirm: Array<{ ref: ObjectRef; resourceId: string }>;
  release: Array<{ object: AzureAssignedIdentity; resourceId: string }>;
}

export class TargetAccumulator {
  private readonly buckets = new Map<string, Bucket>();

  private bucket(target: TargetRef): Bucket {
    let b = this.buckets.get(target.key);
    if (!b) {
      b = { target, needed: new Set(), releasable: new Set(), confirm: [], release: [] };
      this.buckets.set(target.key, b);
    }
    return b;
  }

  need(target: TargetRef, resourceId: string): void {
    this.bucket(target).needed.add(resourceId);
  }

  confirm(target: TargetRef, ref: ObjectRef, resourceId: string): void {
    this.bucket(target).confirm.push({ ref, resourceId });
  }

  releasable(target: TargetRef, resourceId: string): void {
    this.bucket(target).releasable.add(resourceId);
  }

  release(target: TargetRef, object: AzureAssignedIdentity, resourceId: string): void {
    this.bucket(target).release.push({ object, resourceId });
  }

  /** Removes and returns release entries whose identity is still needed on their target. */
  takeNeededReleases(): AzureAssignedIdentity[] {
    const out: AzureAssignedIdentity[] = [];
    for (const b of this.buckets.values()) {
      const keep = b.release.filter((r) => !b.needed.has(r.resourceId));
      out.push(...b.release.filter((r) => b.needed.has(r.resourceId)).map((r) => r.object));
      b.release = keep;
    }
    return out;
  }

  /**
   * Targets with work; with `all`, also those that only hold needed identities (drift check).
   * Reference counting: an identity is releasable only when nothing on the target needs it.
   */
  plans(clientIds: ReadonlyMap<string, string>, all: boolean): TargetPlan[] {
    const out: TargetPlan[] = [];
    for (const b of [...this.buckets.values()].sort((x, y) => (x.target.key < y.target.key ? -1 : 1))) {
      const releasable = [...b.releasable].filter((id) => !b.needed.has(id)).sort();
      const busy = b.confirm.length > 0 || releasable.length > 0 || b.release.length > 0;
      if (!busy && !(all && b.needed.size > 0)) continue;
      out.push({
        target: b.target,
        needed: [...b.needed].sort(),
        releasable,
        confirm: b.confirm,
        release: b.release,
        clientIds,
      });
    }
    return out;
  }
}
