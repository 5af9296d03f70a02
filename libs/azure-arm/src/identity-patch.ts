// Pure computation of the identity PATCH for a VM/VMSS: only the delta goes on the wire, the resulting
// `type` keeps any system-assigned identity, and one request never carries more than ARM's limit.
import { canonicalResourceId } from '@pod-identity/domain';
import type {
  AssignedUserIdentity,
  IdentityDelta,
  IdentityPatch,
  IdentityState,
  IdentityType,
} from './types';

/** ARM refuses more than 150 user-assigned identity entries in one request. */
export const MAX_IDENTITIES_PER_REQUEST = 150;

export function hasSystemAssigned(type: IdentityType): boolean {
  return type === 'SystemAssigned' || type === 'SystemAssigned, UserAssigned';
}

/** Normalises the identity block ARM returned (missing block = no identity). */
export function toIdentityState(
  identity:
    | {
        type?: string;
        userAssignedIdentities?: Record<string, { clientId?: string; principalId?: string } | null>;
      }
    | undefined,
  provisioningState?: string,
  etag?: string,
): IdentityState {
  const userAssigned = new Map<string, AssignedUserIdentity>();
  for (const [id, value] of Object.entries(identity?.userAssignedIdentities ?? {})) {
    userAssigned.set(canonicalResourceId(id), {
      id,
      clientId: value?.clientId,
      principalId: value?.principalId,
    });
  }
  return { type: normaliseType(identity?.type), userAssigned, provisioningState, ...(etag ? { etag } : {}) };
}

function normaliseType(type: string | undefined): IdentityType {
  const t = (type ?? '').replace(/\s+/g, '').toLowerCase();
  if (t === 'systemassigned') return 'SystemAssigned';
  if (t === 'userassigned') return 'UserAssigned';
  if (t === 'systemassigned,userassigned') return 'SystemAssigned, UserAssigned';
  return 'None';
}

/** Keeps only the real changes: adds of absent ids, removals of present ids (canonical, de-duplicated). */
export function effectiveDelta(current: IdentityState, delta: IdentityDelta): IdentityDelta {
  const add = unique(delta.add).filter((id) => !current.userAssigned.has(id));
  const addSet = new Set(add);
  const remove = unique(delta.remove).filter((id) => current.userAssigned.has(id) && !addSet.has(id));
  return { add, remove };
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids.map(canonicalResourceId))].sort();
}

/**
 * The PATCH body turning `current` into `current + add - remove`, or undefined when nothing changes.
 * When no user-assigned identity remains, `type` becomes SystemAssigned or None (ARM refuses
 * UserAssigned with an empty map).
 */
export function buildIdentityPatch(current: IdentityState, delta: IdentityDelta): IdentityPatch | undefined {
  const { add, remove } = effectiveDelta(current, delta);
  if (add.length === 0 && remove.length === 0) return undefined;
  const system = hasSystemAssigned(current.type);
  const remaining = current.userAssigned.size + add.length - remove.length;
  if (remaining === 0) {
    // Removing every user identity: the type alone says so; entries with null would be rejected with None.
    return { type: system ? 'SystemAssigned' : 'None' };
  }
  const entries: Record<string, Record<string, never> | null> = {};
  for (const id of add) entries[id] = {};
  for (const id of remove) entries[id] = null;
  return { type: system ? 'SystemAssigned, UserAssigned' : 'UserAssigned', userAssignedIdentities: entries };
}

/**
 * Splits a delta into requests of at most `limit` entries. Adds go first so that a resource never
 * passes through "no user identity" on the way; each chunk is applied to the state the previous one left.
 */
export function chunkDelta(delta: IdentityDelta, limit = MAX_IDENTITIES_PER_REQUEST): IdentityDelta[] {
  const entries: Array<{ id: string; add: boolean }> = [
    ...delta.add.map((id) => ({ id, add: true })),
    ...delta.remove.map((id) => ({ id, add: false })),
  ];
  const chunks: IdentityDelta[] = [];
  for (let i = 0; i < entries.length; i += limit) {
    const slice = entries.slice(i, i + limit);
    chunks.push({
      add: slice.filter((e) => e.add).map((e) => e.id),
      remove: slice.filter((e) => !e.add).map((e) => e.id),
    });
  }
  return chunks;
}

/** The state ARM should report after a successful PATCH (used when the response omits the identity). */
export function applyDelta(current: IdentityState, delta: IdentityDelta): IdentityState {
  const { add, remove } = effectiveDelta(current, delta);
  const userAssigned = new Map(current.userAssigned);
  for (const id of add) userAssigned.set(id, { id });
  for (const id of remove) userAssigned.delete(id);
  const patch = buildIdentityPatch(current, { add, remove });
  const { etag: _stale, ...rest } = current;
  return { ...rest, type: patch?.type ?? current.type, userAssigned };
}
