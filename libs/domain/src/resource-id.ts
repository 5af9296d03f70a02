// ARM resource ids of user-assigned managed identities. ARM treats ids case-insensitively and returns
// them in varying case (resourcegroups vs resourceGroups), so every comparison uses the canonical form.

export interface UserAssignedIdentityId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  /** Lower-cased id without surrounding whitespace or a trailing slash: the key for comparisons. */
  readonly canonical: string;
}

const USER_ASSIGNED_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)$/i;

/** Canonical form of any ARM resource id (lower case, trimmed, no trailing slash). */
export function canonicalResourceId(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

/** Parses a user-assigned identity resource id; undefined when it is not one. */
export function parseUserAssignedIdentityId(id: string | undefined): UserAssignedIdentityId | undefined {
  if (id === undefined) return undefined;
  const trimmed = id.trim().replace(/\/+$/, '');
  const m = USER_ASSIGNED_ID.exec(trimmed);
  if (!m) return undefined;
  return { subscriptionId: m[1], resourceGroup: m[2], name: m[3], canonical: trimmed.toLowerCase() };
}

export function isUserAssignedIdentityId(id: string | undefined): boolean {
  return parseUserAssignedIdentityId(id) !== undefined;
}

/** Why an id was refused, worded for an operator (log line, event or status message). */
export function invalidResourceIdMessage(id: string | undefined): string {
  return (
    `invalid resource id ${JSON.stringify(id ?? '')}: must look like ` +
    '/subscriptions/<subscription>/resourcegroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>'
  );
}
