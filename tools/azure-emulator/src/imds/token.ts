// GET /metadata/identity/oauth2/token: checks in IMDS's order, identity choice, the string-typed body.
import type { EmulatorCore } from '../core';
import { type EmuRequest, type EmuResponse, header } from '../http/types';
import type { SimNode } from '../state/model';
import { accessTokenClaims, isPlausibleResource } from '../tokens/claims';
import { attachedIdentities } from './attached';
import { IMDS_SERVER_HEADER, imdsErrors } from './errors';
import { readSelector, selectIdentity } from './select';

const SINGLE_PARAMS = ['api-version', 'resource', 'client_id', 'object_id', 'msi_res_id', 'mi_res_id'];

/** Header and query checks that do not need the node; undefined when the request is well-formed. */
export function checkTokenRequest(req: EmuRequest): EmuResponse | undefined {
  if (req.method !== 'GET') return imdsErrors.methodNotAllowed();
  if (header(req, 'x-forwarded-for') !== undefined) return imdsErrors.forwarded();
  if (header(req, 'metadata') !== 'true') return imdsErrors.metadataHeader();
  for (const name of SINGLE_PARAMS)
    if (req.query.getAll(name).length > 1) return imdsErrors.duplicateParam(name);
  if (!req.query.get('api-version')) return imdsErrors.missingParam('api-version');
  if (!req.query.get('resource')) return imdsErrors.missingParam('resource');
  return undefined;
}

export async function issueImdsToken(
  core: EmulatorCore,
  req: EmuRequest,
  node: SimNode,
): Promise<EmuResponse> {
  const resource = req.query.get('resource') ?? '';
  const selector = readSelector(req.query);
  if (selector === 'conflict') return imdsErrors.conflictingIds();
  const view = attachedIdentities(core, node);
  const selection = selectIdentity(view.ready, selector);
  if (!selection.ok) {
    // Assigned but not yet propagated: Azure answers "not found" for a while.
    const later = selectIdentity([...view.ready, ...view.pending], selector);
    if (later.ok && core.options.imds.propagationStatus === 404) return imdsErrors.notYetAvailable();
    return selection.reason === 'ambiguous' ? imdsErrors.ambiguous() : imdsErrors.identityNotFound();
  }
  const identity = selection.identity;
  if (!isPlausibleResource(resource)) return imdsErrors.invalidResource(resource, identity.tenantId);
  const nowSeconds = Math.floor(core.now() / 1000);
  const lifetime = core.options.tokenLifetimeSeconds.imds;
  const token = await core.signer.sign(
    accessTokenClaims(
      {
        tenantId: identity.tenantId,
        objectId: identity.principalId,
        appId: identity.clientId,
        managedIdentityResourceId: identity.resourceId,
        appidacr: '2',
      },
      resource,
      { nowSeconds, lifetimeSeconds: lifetime },
    ),
  );
  core.counters.token('imds', identity.resourceId);
  return {
    status: 200,
    headers: { ...IMDS_SERVER_HEADER },
    json: {
      access_token: token,
      client_id: identity.clientId,
      expires_in: String(lifetime),
      expires_on: String(nowSeconds + lifetime),
      ext_expires_in: String(lifetime),
      not_before: String(nowSeconds),
      resource,
      token_type: 'Bearer',
    },
  };
}
