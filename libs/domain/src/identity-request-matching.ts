// How a token request names an identity (IMDS query parameters) and how that is compared with an
// AzureIdentity. One rule everywhere: client ids (GUIDs) and ARM resource ids are compared ignoring
// case and surrounding whitespace, because Azure treats both case-insensitively.

export type IdentityRequest =
  | { readonly by: 'none' }
  | { readonly by: 'clientId'; readonly value: string }
  | { readonly by: 'resourceId'; readonly value: string }
  | { readonly by: 'objectId'; readonly value: string };

export interface IdentityKeys {
  readonly clientID?: string;
  readonly resourceID?: string;
}

/** Canonical form used for comparing client ids, object ids and ARM resource ids. */
export function canonicalId(value: string): string {
  return value.trim().toLowerCase();
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const ca = canonicalId(a);
  return ca !== '' && ca === canonicalId(b);
}

/**
 * Whether `identity` is the one the request names. `none` matches everything; `objectId` cannot be
 * decided from an AzureIdentity (it has no object id), so it matches every identity and the caller
 * must confirm it another way.
 */
export function identityMatchesRequest(identity: IdentityKeys, request: IdentityRequest): boolean {
  switch (request.by) {
    case 'none':
    case 'objectId':
      return true;
    case 'clientId':
      return sameId(identity.clientID, request.value);
    case 'resourceId':
      return sameId(identity.resourceID, request.value);
  }
}
