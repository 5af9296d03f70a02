// Tokens as NMI keeps them, and the IMDS success body it writes. All numbers in the body are strings,
// `resource` echoes the request byte for byte (msal uses it as the cache key), expires_in is computed
// when the body is written (a cached token is younger than its lifetime).

export interface IssuedToken {
  readonly accessToken: string;
  /** Seconds since the epoch. */
  readonly expiresOn: number;
  readonly notBefore: number;
  readonly tokenType: string;
  readonly clientId?: string;
}

/** One token, or several for a multi-tenant service principal (primary tenant first). */
export interface TokenSet {
  readonly tokens: readonly IssuedToken[];
  readonly multiTenant: boolean;
}

export interface ImdsTokenBody {
  access_token: string;
  client_id?: string;
  expires_in: string;
  expires_on: string;
  ext_expires_in: string;
  not_before: string;
  resource: string;
  token_type: string;
}

export function tokenBody(token: IssuedToken, resource: string, nowSec: number): ImdsTokenBody {
  const expiresIn = String(Math.max(0, token.expiresOn - nowSec));
  const body: ImdsTokenBody = {
    access_token: token.accessToken,
    expires_in: expiresIn,
    expires_on: String(token.expiresOn),
    ext_expires_in: expiresIn,
    not_before: String(token.notBefore),
    resource,
    token_type: token.tokenType,
  };
  if (token.clientId) body.client_id = token.clientId;
  return body;
}

/** The last body written for a cached set: a cache hit within the same second reuses it. */
const lastBody = new WeakMap<
  TokenSet,
  { readonly resource: string; readonly nowSec: number; readonly body: string }
>();

/** The response body: an object, or an array for multi-tenant sets. */
export function serializeTokenSet(set: TokenSet, resource: string, nowSec: number): string {
  const last = lastBody.get(set);
  if (last && last.nowSec === nowSec && last.resource === resource) return last.body;
  const bodies = set.tokens.map((t) => tokenBody(t, resource, nowSec));
  const body = JSON.stringify(set.multiTenant ? bodies : bodies[0]);
  lastBody.set(set, { resource, nowSec, body });
  return body;
}

/** Earliest expiry of the set (seconds). */
export function setExpiresOn(set: TokenSet): number {
  return Math.min(...set.tokens.map((t) => t.expiresOn));
}

/** Scope for Entra v2 from an IMDS/ADAL resource: "<resource>/.default". */
export function resourceToScope(resource: string): string {
  return resource.endsWith('/') ? `${resource}.default` : `${resource}/.default`;
}

/** Reads a claim from a JWT payload without verifying it (used only to match object ids). */
export function unverifiedClaim(accessToken: string, claim: string): string | undefined {
  const part = accessToken.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const value = payload[claim];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
