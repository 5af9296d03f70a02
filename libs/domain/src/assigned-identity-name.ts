// Names of AzureAssignedIdentity objects. The original writes `<pod>-<podNamespace>-<identity>`; users
// and NMI's logs rely on that shape, so it stays whenever it is a valid object name and not taken. Pod,
// namespace and identity names may contain '-', so two different assignments can produce one name, and
// long names exceed the 253-character limit: those get a name ending in a hash of the full key.
import { createHash } from 'node:crypto';

/** What one assigned identity stands for: a pod holding an AzureIdentity. */
export interface AssignmentKey {
  readonly podNamespace: string;
  readonly podName: string;
  readonly identityNamespace: string;
  readonly identityName: string;
}

export const MAX_OBJECT_NAME_LENGTH = 253;
const HASH_LENGTH = 10;

/** Unique text form of a key (names cannot contain '/'). */
export function assignmentKeyString(key: AssignmentKey): string {
  return `${key.podNamespace}/${key.podName}/${key.identityNamespace}/${key.identityName}`;
}

/** The original's name, whatever its length. */
export function legacyAssignedIdentityName(key: AssignmentKey): string {
  return `${key.podName}-${key.podNamespace}-${key.identityName}`;
}

/** Name ending in a hash of the key: short enough, and distinct for distinct keys. */
export function hashedAssignedIdentityName(key: AssignmentKey, attempt = 0): string {
  const hash = createHash('sha256')
    .update(`${assignmentKeyString(key)}#${attempt}`)
    .digest('hex')
    .slice(0, HASH_LENGTH);
  const room = MAX_OBJECT_NAME_LENGTH - HASH_LENGTH - 1;
  const prefix = legacyAssignedIdentityName(key)
    .toLowerCase()
    .slice(0, room)
    .replace(/[^a-z0-9]+$/, '');
  return prefix === '' ? hash : `${prefix}-${hash}`;
}

/**
 * Chooses the name for a new assigned identity. `isTaken` says whether a name is already used (by an
 * existing object or by another assignment named earlier in the same plan).
 */
export function chooseAssignedIdentityName(key: AssignmentKey, isTaken: (name: string) => boolean): string {
  const legacy = legacyAssignedIdentityName(key);
  if (legacy.length <= MAX_OBJECT_NAME_LENGTH && isValidObjectName(legacy) && !isTaken(legacy)) return legacy;
  for (let attempt = 0; ; attempt++) {
    const name = hashedAssignedIdentityName(key, attempt);
    if (!isTaken(name)) return name;
  }
}

/** A Kubernetes DNS-subdomain object name. */
export function isValidObjectName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_OBJECT_NAME_LENGTH &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name)
  );
}
