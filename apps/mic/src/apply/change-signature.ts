// What the coalescing window watches on a target: the identities that would go into its next PATCH.
// Pods that only add confirmations of identities already needed do not hold a target back.
import type { TargetPlan } from '../plan/model';

/** True when the target has work of its own (not just a drift check of identities already there). */
export function hasPendingChange(tp: TargetPlan): boolean {
  return tp.confirm.length + tp.releasable.length + tp.release.length > 0;
}

/** Changes whenever the set of identities to add or remove on the target could change. */
export function changeSignature(tp: TargetPlan): string {
  // needed and releasable are sorted by the planner, so equal sets give equal strings.
  return `${tp.needed.join(',')}|${tp.releasable.join(',')}`;
}
