// Removals a plan asked for that no run has carried out yet. Moving or editing an assignment rewrites its
// object at once, so the old VM/VMSS's removal shows up in that one plan only: if the target is busy,
// waiting or in its coalescing window then, the identity would stay on it for good. The applier keeps
// such removals here and the planner puts them back into every plan until a run on the target has done
// them (through the snapshot). In memory only: a MIC restart in between leaves the identity on the VM (as the original does).
import type { OwedRelease, TargetPlan, TargetRef } from '../plan/model';
import type { TargetOutcome } from './target-runner';

export type { OwedRelease };

export class OwedReleases {
  private readonly byTarget = new Map<string, { readonly target: TargetRef; readonly ids: Set<string> }>();

  /** Records what the target's plan removes; an identity the target needs again is owed no longer. */
  observe(tp: TargetPlan): void {
    let entry = this.byTarget.get(tp.target.key);
    if (!entry && tp.releasable.length === 0) return;
    entry ??= { target: tp.target, ids: new Set<string>() };
    for (const id of tp.releasable) entry.ids.add(id);
    for (const id of tp.needed) entry.ids.delete(id);
    this.store(tp.target.key, entry);
  }

  /** A run on the target ended: the removals it finished (or found nothing to do for) are settled. */
  settled(tp: TargetPlan, outcome: TargetOutcome): void {
    const entry = this.byTarget.get(tp.target.key);
    if (!entry || (outcome.result !== 'done' && outcome.result !== 'partial')) return;
    for (const id of tp.releasable) if (outcome.identities.get(id)?.state !== 'failed') entry.ids.delete(id);
    this.store(tp.target.key, entry);
  }

  list(): OwedRelease[] {
    return [...this.byTarget.values()].flatMap(({ target, ids }) =>
      [...ids].map((resourceId) => ({ target, resourceId })),
    );
  }

  get size(): number {
    let n = 0;
    for (const { ids } of this.byTarget.values()) n += ids.size;
    return n;
  }

  private store(key: string, entry: { readonly target: TargetRef; readonly ids: Set<string> }): void {
    if (entry.ids.size === 0) this.byTarget.delete(key);
    else this.byTarget.set(key, entry);
  }
}
