// The identity merge semantics of Compute PATCH / PUT (azure-wire.md §4.2), as a pure function.
import { idKey, parseResourceId, UAMI_TYPE } from '../state/arm-id';
import { type ArmFailure, armErrors } from './errors';

export const MAX_IDENTITIES_PER_REQUEST = 150;

export interface CurrentIdentity {
  readonly system: boolean;
  /** Assigned user identities: idKey -> id as stored. */
  readonly user: ReadonlyMap<string, string>;
}

export interface IdentityChange {
  readonly system: boolean;
  readonly user: Map<string, string>;
  /** Ids (as the request spelled them) that are new on the resource. */
  readonly added: string[];
  /** Ids (as stored) that the update removes. */
  readonly removed: string[];
}

type Parsed = { system: boolean; user: boolean };

/** Parses "SystemAssigned, UserAssigned" and friends, case- and space-insensitively. */
export function parseIdentityType(type: unknown): Parsed | ArmFailure {
  if (typeof type !== 'string') {
    return armErrors.invalidParameter(
      "Required parameter 'identity.type' is missing (null).",
      'identity.type',
    );
  }
  const parts = new Set(type.split(',').map((p) => p.trim().toLowerCase()));
  const allowed = ['none', 'systemassigned', 'userassigned'];
  const valid = [...parts].every((p) => allowed.includes(p)) && !(parts.has('none') && parts.size > 1);
  if (!valid) {
    return armErrors.invalidParameter(
      `The value '${type}' of parameter 'identity.type' is not valid. Allowed values: 'SystemAssigned', 'UserAssigned', 'SystemAssigned, UserAssigned', 'None'.`,
      'identity.type',
    );
  }
  return { system: parts.has('systemassigned'), user: parts.has('userassigned') };
}

function isFailure(value: unknown): value is ArmFailure {
  return typeof value === 'object' && value !== null && 'code' in value && 'status' in value;
}

/** Splits the request dictionary into adds ({} or echoed properties) and removes (null). */
function readEntries(
  raw: unknown,
): { adds: Map<string, string>; removes: Set<string>; count: number } | ArmFailure {
  const adds = new Map<string, string>();
  const removes = new Set<string>();
  if (raw === undefined || raw === null) return { adds, removes, count: 0 };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return armErrors.invalidParameter("The property 'identity.userAssignedIdentities' must be a dictionary.");
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_IDENTITIES_PER_REQUEST) {
    return armErrors.tooManyIdentities(entries.length, MAX_IDENTITIES_PER_REQUEST);
  }
  for (const [id, value] of entries) {
    const parsed = parseResourceId(id);
    if (!parsed || parsed.type.toLowerCase() !== UAMI_TYPE.toLowerCase()) {
      return armErrors.invalidParameter(
        `The identity id '${id}' is not a valid user assigned identity resource id.`,
      );
    }
    if (value === null) removes.add(idKey(id));
    else if (typeof value === 'object' && !Array.isArray(value)) adds.set(idKey(id), id);
    else {
      return armErrors.invalidParameter(
        "Invalid value for the identities. The 'UserAssignedIdentities' property keys should only be empty json objects, null or the resource exisiting property.",
      );
    }
  }
  return { adds, removes, count: entries.length };
}

function resultingUsers(
  current: CurrentIdentity,
  entries: { adds: Map<string, string>; removes: Set<string> },
  mode: 'patch' | 'put',
): Map<string, string> {
  const user = new Map<string, string>();
  if (mode === 'patch')
    for (const [key, id] of current.user) if (!entries.removes.has(key)) user.set(key, id);
  for (const [key, id] of entries.adds) if (!user.has(key)) user.set(key, current.user.get(key) ?? id);
  return user;
}

/**
 * Applies the request's `identity` object to the current identity.
 * PATCH merges the dictionary ({} adds, null removes, others unchanged); PUT replaces it.
 * `type` always describes the resulting state.
 */
export function applyIdentityUpdate(
  current: CurrentIdentity,
  request: unknown,
  mode: 'patch' | 'put',
): IdentityChange | ArmFailure {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return armErrors.invalidParameter("The property 'identity' must be an object.");
  }
  const body = request as Record<string, unknown>;
  const type = parseIdentityType(body.type);
  if (isFailure(type)) return type;
  const entries = readEntries(body.userAssignedIdentities);
  if (isFailure(entries)) return entries;
  if (!type.user && entries.adds.size > 0) {
    return armErrors.invalidParameter(
      `User assigned identities cannot be added when the identity type is '${String(body.type)}'.`,
      'identity.userAssignedIdentities',
    );
  }
  const user = type.user ? resultingUsers(current, entries, mode) : new Map<string, string>();
  if (type.user && user.size === 0) return armErrors.missingIdentityIds();
  const added = [...user.entries()].filter(([key]) => !current.user.has(key)).map(([, id]) => id);
  const removed = [...current.user.entries()].filter(([key]) => !user.has(key)).map(([, id]) => id);
  return { system: type.system, user, added, removed };
}

export function isIdentityChange(value: IdentityChange | ArmFailure): value is IdentityChange {
  return !isFailure(value);
}
