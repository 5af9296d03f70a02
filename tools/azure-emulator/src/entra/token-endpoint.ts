// POST /{tenant}/oauth2/v2.0/token (and the v1 /oauth2/token): client credentials grant only.
import type { EmulatorCore } from '../core';
import { type EmuRequest, type EmuResponse, header } from '../http/types';
import type { Tenant } from '../state/model';
import { accessTokenClaims, audienceFromScope, isPlausibleResource } from '../tokens/claims';
import { type AadFailure, aadErrorResponse, aadErrors } from './aadsts';
import { authenticateClient, type ClientCredentials } from './client-auth';

const NON_RESOURCE_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

function basicAuth(req: EmuRequest): { id: string; secret: string } | undefined {
  const value = header(req, 'authorization');
  if (!value?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(value.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    id: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

/** The audience the token is for, from `scope` (v2) or `resource` (v1). */
export function requestedAudience(form: URLSearchParams, version: 'v1' | 'v2'): string | AadFailure {
  if (version === 'v1') {
    const resource = form.get('resource');
    return resource ? resource : aadErrors.missingParameter('resource');
  }
  const scope = form.get('scope');
  if (!scope) return aadErrors.missingParameter('scope');
  const scopes = scope.split(' ').filter((s) => s !== '' && !NON_RESOURCE_SCOPES.has(s.toLowerCase()));
  if (scopes.length !== 1) return aadErrors.invalidScope(scope);
  if (!scopes[0].endsWith('/.default')) return aadErrors.scopeNotDefault(scopes[0]);
  return audienceFromScope(scopes[0]);
}

function credentialsFrom(req: EmuRequest, form: URLSearchParams): ClientCredentials | AadFailure {
  const basic = basicAuth(req);
  const clientId = form.get('client_id') ?? basic?.id;
  if (!clientId) return aadErrors.missingParameter('client_id');
  const secret = form.get('client_secret') ?? basic?.secret;
  return {
    clientId,
    ...(secret !== undefined && secret !== null ? { secret } : {}),
    ...(form.has('client_assertion_type') ? { assertionType: form.get('client_assertion_type') ?? '' } : {}),
    ...(form.has('client_assertion') ? { assertion: form.get('client_assertion') ?? '' } : {}),
  };
}

export async function tokenEndpoint(
  core: EmulatorCore,
  req: EmuRequest,
  tenant: Tenant,
  tenantSegment: string,
  version: 'v1' | 'v2',
): Promise<EmuResponse> {
  const now = new Date(core.now());
  const correlation = req.query.get('client-request-id') ?? header(req, 'client-request-id');
  const failed = (failure: AadFailure): EmuResponse => aadErrorResponse(failure, now, correlation);
  const form = new URLSearchParams(req.body.toString('utf8'));
  const grant = form.get('grant_type');
  if (!grant) return failed(aadErrors.missingParameter('grant_type'));
  if (grant !== 'client_credentials') return failed(aadErrors.unsupportedGrant(grant));
  const creds = credentialsFrom(req, form);
  if ('status' in creds) return failed(creds);
  const audience = requestedAudience(form, version);
  if (typeof audience !== 'string') return failed(audience);
  if (!isPlausibleResource(audience)) return failed(aadErrors.invalidResource(audience, tenant.id));
  const v = version === 'v2' ? '/v2.0' : '';
  const endpoints = [tenantSegment, tenant.id].flatMap((t) => [
    `${req.origin}/${t}/oauth2${v}/token`,
    `${req.origin}/${t}${v}`,
    `${req.origin}/${t}/oauth2/token`,
  ]);
  const auth = await authenticateClient(core, tenant, creds, endpoints);
  if (!auth.ok) return failed(auth.failure);
  const lifetime = core.options.tokenLifetimeSeconds.entra;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const token = await core.signer.sign(
    accessTokenClaims(auth.subject, audience, { nowSeconds, lifetimeSeconds: lifetime }),
  );
  core.counters.token('entra', creds.clientId);
  const headers = { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache' };
  if (version === 'v2') {
    return {
      status: 200,
      headers,
      json: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token },
    };
  }
  return {
    status: 200,
    headers,
    json: {
      token_type: 'Bearer',
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(nowSeconds + lifetime),
      not_before: String(nowSeconds),
      resource: audience,
      access_token: token,
    },
  };
}
