// Access-token claims as Entra ID issues them for app-only tokens (v1 tokens, which ARM receives).
import { randomBytes, randomUUID } from 'node:crypto';

export interface TokenSubject {
  readonly tenantId: string;
  /** Service principal object id, or the managed identity's principal id. */
  readonly objectId: string;
  /** Application id (client id) of the principal. */
  readonly appId: string;
  /** For managed identities: the identity's resource id (xms_mirid). */
  readonly managedIdentityResourceId?: string;
  /** How the client authenticated: "0" managed identity / federated, "1" secret, "2" certificate. */
  readonly appidacr: '0' | '1' | '2';
}

export interface TokenTimes {
  readonly nowSeconds: number;
  readonly lifetimeSeconds: number;
}

export function accessTokenClaims(
  subject: TokenSubject,
  audience: string,
  times: TokenTimes,
): Record<string, unknown> {
  const issuer = `https://sts.windows.net/${subject.tenantId}/`;
  return {
    aud: audience,
    iss: issuer,
    iat: times.nowSeconds,
    nbf: times.nowSeconds,
    exp: times.nowSeconds + times.lifetimeSeconds,
    aio: randomBytes(24).toString('base64url'),
    appid: subject.appId,
    appidacr: subject.appidacr,
    azp: subject.appId,
    idp: issuer,
    idtyp: 'app',
    oid: subject.objectId,
    rh: `0.${randomBytes(16).toString('base64url')}.`,
    sub: subject.objectId,
    tid: subject.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
    ...(subject.managedIdentityResourceId ? { xms_mirid: subject.managedIdentityResourceId } : {}),
    xms_tcdt: times.nowSeconds - 86_400 * 365,
    jti: randomUUID(),
  };
}

/** Audience of a token requested for `scope` ("https://x/.default" -> "https://x/"). */
export function audienceFromScope(scope: string): string {
  return scope.endsWith('/.default') ? scope.slice(0, -'.default'.length) : scope;
}

/** A resource (IMDS `resource`, v1 `resource`) Entra would know: absolute URI, api:// or a GUID. */
export function isPlausibleResource(resource: string): boolean {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(resource)) return true;
  try {
    const url = new URL(resource);
    return url.protocol === 'https:' || url.protocol === 'api:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
