// Who is asking for a token: a service principal (secret, certificate, federated) or a user-assigned
// managed identity (federated only, as workload identity does).
import { timingSafeEqual } from 'node:crypto';
import type { EmulatorCore } from '../core';
import type { FederatedCredential, Tenant } from '../state/model';
import type { TokenSubject } from '../tokens/claims';
import { type AadFailure, aadErrors } from './aadsts';
import {
  checkAssertionTime,
  type DecodedAssertion,
  decodeAssertion,
  matchFederatedCredential,
  verifyCertificateAssertion,
  verifyFederatedSignature,
} from './assertions';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientCredentials {
  readonly clientId: string;
  readonly secret?: string;
  readonly assertionType?: string;
  readonly assertion?: string;
}

export type ClientAuthResult =
  | { readonly ok: true; readonly subject: TokenSubject }
  | { readonly ok: false; readonly failure: AadFailure };

interface Client {
  readonly subject: TokenSubject;
  readonly secrets: string[];
  readonly certificates: string[];
  readonly federated: FederatedCredential[];
}

function findClient(core: EmulatorCore, tenant: Tenant, clientId: string): Client | undefined {
  const sp = core.state.principal(clientId);
  if (sp && sp.tenantId.toLowerCase() === tenant.id.toLowerCase()) {
    return {
      subject: { tenantId: sp.tenantId, objectId: sp.objectId, appId: sp.appId, appidacr: '1' },
      secrets: sp.secrets,
      certificates: sp.certificates,
      federated: sp.federatedCredentials,
    };
  }
  const mi = core.state.identityByClientId(clientId);
  if (mi && mi.tenantId.toLowerCase() === tenant.id.toLowerCase()) {
    return {
      subject: {
        tenantId: mi.tenantId,
        objectId: mi.principalId,
        appId: mi.clientId,
        managedIdentityResourceId: mi.id,
        appidacr: '2',
      },
      secrets: [],
      certificates: [],
      federated: [...mi.federatedCredentials.values()],
    };
  }
  return undefined;
}

function secretMatches(given: string, secrets: string[]): boolean {
  const a = Buffer.from(given);
  return secrets.some((s) => {
    const b = Buffer.from(s);
    return a.length === b.length && timingSafeEqual(a, b);
  });
}

const fail = (failure: AadFailure): ClientAuthResult => ({ ok: false, failure });

async function viaFederation(
  core: EmulatorCore,
  client: Client,
  assertion: string,
  decoded: DecodedAssertion,
  timeFailure?: AadFailure,
): Promise<ClientAuthResult> {
  const record = matchFederatedCredential(decoded, client.federated);
  if ('status' in record) return fail(record);
  if (timeFailure) return fail(timeFailure);
  const jwks = await core.issuerKeys.get(record.issuer);
  if (!jwks) return fail(aadErrors.issuerUnreachable(record.issuer));
  if (!(await verifyFederatedSignature(assertion, jwks))) return fail(aadErrors.federatedSignature());
  return { ok: true, subject: { ...client.subject, appidacr: '2' } };
}

async function viaAssertion(
  core: EmulatorCore,
  client: Client,
  creds: ClientCredentials,
  tokenAudiences: string[],
): Promise<ClientAuthResult> {
  if (creds.assertionType !== JWT_BEARER) return fail(aadErrors.badAssertionType(creds.assertionType ?? ''));
  const assertion = creds.assertion ?? '';
  const decoded = decodeAssertion(assertion);
  if (!decoded) return fail(aadErrors.malformedAssertion());
  const timeFailure = checkAssertionTime(decoded.claims, core.now());
  const selfSigned = decoded.claims.iss === creds.clientId && decoded.claims.sub === creds.clientId;
  if (!selfSigned || client.certificates.length === 0)
    return viaFederation(core, client, assertion, decoded, timeFailure);
  if (timeFailure) return fail(timeFailure);
  const certFailure = await verifyCertificateAssertion(
    assertion,
    decoded,
    client.certificates,
    tokenAudiences,
    creds.clientId,
  );
  return certFailure ? fail(certFailure) : { ok: true, subject: { ...client.subject, appidacr: '2' } };
}

export async function authenticateClient(
  core: EmulatorCore,
  tenant: Tenant,
  creds: ClientCredentials,
  tokenAudiences: string[],
): Promise<ClientAuthResult> {
  const client = findClient(core, tenant, creds.clientId);
  if (!client) return fail(aadErrors.unknownClient(creds.clientId, tenant.id));
  if (creds.secret !== undefined) {
    return secretMatches(creds.secret, client.secrets)
      ? { ok: true, subject: client.subject }
      : fail(aadErrors.invalidSecret(creds.clientId));
  }
  if (creds.assertion !== undefined || creds.assertionType !== undefined) {
    return viaAssertion(core, client, creds, tokenAudiences);
  }
  return fail(aadErrors.noCredential());
}
