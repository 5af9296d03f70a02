// Pure decision for one VM/VMSS once its current identities are known: what to add, what to remove,
// and how MIC's ledger of "identities MIC added here" changes. An identity is removed only when nothing
// needs it, MIC added it (so pre-existing identities and the cluster's own stay), and it is not immutable.
import type { IdentityState } from '@pod-identity/azure-arm';

export interface ImmutableIdentities {
  /** Lower-case client ids (--immutable-user-msis plus the cluster identity). */
  readonly clientIds: ReadonlySet<string>;
}

export interface DeltaInput {
  readonly needed: readonly string[];
  readonly releasable: readonly string[];
  readonly current: IdentityState;
  /** Canonical ids MIC recorded as added by itself on this target. */
  readonly ledger: ReadonlySet<string>;
  readonly immutable: ImmutableIdentities;
  /** resource id → client id, from AzureIdentities. */
  readonly clientIds: ReadonlyMap<string, string>;
  /** Ids refused by ARM in this attempt; left out so the others can proceed. */
  readonly excluded?: ReadonlySet<string>;
}

export type KeepReason = 'not-added-by-mic' | 'immutable';

export interface DeltaDecision {
  readonly add: string[];
  readonly remove: string[];
  /** Releasable identities left on the target on purpose. */
  readonly kept: ReadonlyArray<{ readonly id: string; readonly reason: KeepReason }>;
  /** Ledger to persist BEFORE patching: adds recorded ahead, stale entries (absent ids) pruned. */
  readonly ledgerBefore: string[];
  /** Ledger after a successful patch. */
  readonly ledgerAfter: string[];
}

export function isImmutable(
  id: string,
  input: Pick<DeltaInput, 'current' | 'clientIds' | 'immutable'>,
): boolean {
  const clientIds = [input.clientIds.get(id), input.current.userAssigned.get(id)?.clientId];
  return clientIds.some((c) => c !== undefined && input.immutable.clientIds.has(c.toLowerCase()));
}

export function decideDelta(input: DeltaInput): DeltaDecision {
  const excluded = input.excluded ?? new Set<string>();
  const present = input.current.userAssigned;
  const needed = new Set(input.needed);
  const add = input.needed.filter((id) => !present.has(id) && !excluded.has(id));
  const remove: string[] = [];
  const kept: Array<{ id: string; reason: KeepReason }> = [];
  for (const id of input.releasable) {
    if (needed.has(id) || !present.has(id) || excluded.has(id)) continue;
    if (isImmutable(id, input)) kept.push({ id, reason: 'immutable' });
    else if (!input.ledger.has(id)) kept.push({ id, reason: 'not-added-by-mic' });
    else remove.push(id);
  }
  // Entries for ids no longer on the target are stale: whoever adds such an id next owns it.
  const live = [...input.ledger].filter((id) => present.has(id));
  const ledgerBefore = [...new Set([...live, ...add])].sort();
  const removed = new Set(remove);
  const ledgerAfter = ledgerBefore.filter((id) => !removed.has(id));
  return { add, remove, kept, ledgerBefore, ledgerAfter };
}
