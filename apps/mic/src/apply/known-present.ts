// Which user-assigned identities MIC's own ARM calls last saw on each VM/VMSS, trusted for a short while.
// A pod whose identity is already on its node's VM/VMSS then gets its AzureAssignedIdentity created as
// Assigned: one API write instead of a create, an ARM read and a status write (docs/adr/0013). Pure; the
// caller passes the time.
import type { TargetOutcome } from './target-runner';

/** How long an ARM observation is trusted (a drift check or any run on the target refreshes it). */
export const KNOWN_PRESENT_TTL_MS = 60_000;

export class KnownPresent {
  /** target key → identity resource id → when ARM last said it is there. */
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(private readonly ttlMs = KNOWN_PRESENT_TTL_MS) {}

  /** A finished run on the target: what it found present is known as of `nowMs`; anything else is not. */
  observe(targetKey: string, outcome: TargetOutcome, nowMs: number): void {
    const ids = this.seen.get(targetKey) ?? new Map<string, number>();
    for (const [id, o] of outcome.identities) {
      if (o.state === 'present') ids.set(id, nowMs);
      else ids.delete(id);
    }
    if (outcome.result === 'failed' && outcome.identities.size === 0) ids.clear();
    if (ids.size === 0) this.seen.delete(targetKey);
    else this.seen.set(targetKey, ids);
  }

  /** A run that may remove these identities is starting: they are no longer known to be there. */
  forget(targetKey: string, resourceIds: Iterable<string>): void {
    const ids = this.seen.get(targetKey);
    if (!ids) return;
    for (const id of resourceIds) ids.delete(id);
    if (ids.size === 0) this.seen.delete(targetKey);
  }

  /** What is known at `nowMs`: target key → identity resource ids seen within the TTL. */
  snapshot(nowMs: number): ReadonlyMap<string, ReadonlySet<string>> {
    const out = new Map<string, Set<string>>();
    for (const [target, ids] of this.seen) {
      for (const [id, at] of ids) {
        if (nowMs - at >= this.ttlMs) ids.delete(id);
        else (out.get(target) ?? out.set(target, new Set()).get(target))?.add(id);
      }
      if (ids.size === 0) this.seen.delete(target);
    }
    return out;
  }
}
