// Entra ID (AADSTS) errors: status, OAuth error and the AADSTS code/message (azure-wire.md §3.2).
import { randomUUID } from 'node:crypto';
import type { EmuResponse } from '../http/types';

export interface AadFailure {
  readonly status: number;
  readonly error: string;
  readonly code: number;
  readonly message: string;
}

const f = (status: number, error: string, code: number, message: string): AadFailure => ({
  status,
  error,
  code,
  message,
});

const CHECK_FIC =
  'Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation';

export const aadErrors = {
  tenantNotFound: (tenant: string): AadFailure =>
    f(
      400,
      'invalid_tenant',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    ),
  missingParameter: (name: string): AadFailure =>
    f(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`),
  unsupportedGrant: (grant: string): AadFailure =>
    f(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`),
  scopeNotDefault: (scope: string): AadFailure =>
    f(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  invalidScope: (scope: string): AadFailure =>
    f(
      400,
      'invalid_scope',
      70011,
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
    ),
  invalidResource: (resource: string, tenant: string): AadFailure =>
    f(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  unknownClient: (clientId: string, tenant: string): AadFailure =>
    f(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  invalidSecret: (clientId: string): AadFailure =>
    f(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    ),
  noCredential: (): AadFailure =>
    f(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  badAssertionType: (type: string): AadFailure =>
    f(
      400,
      'invalid_request',
      50027,
      `Invalid client_assertion_type '${type}'. Expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`,
    ),
  malformedAssertion: (): AadFailure =>
    f(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.'),
  certificateNotRegistered: (clientId: string): AadFailure =>
    f(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionSignature: (): AadFailure =>
    f(401, 'invalid_client', 700027, 'Client assertion failed signature validation.'),
  assertionAudience: (aud: string): AadFailure =>
    f(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${aud}'.`,
    ),
  assertionTime: (now: Date, nbf: Date | undefined, exp: Date | undefined): AadFailure =>
    f(
      400,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${nbf?.toISOString() ?? 'unknown'}, expiry time of assertion ${exp?.toISOString() ?? 'unknown'}.`,
    ),
  noFederatedRecord: (issuer: string, subject: string, audience: string): AadFailure =>
    f(
      400,
      'invalid_request',
      70021,
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${issuer}'. Assertion Subject: '${subject}'. Assertion Audience: '${audience}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    ),
  // Today's Entra names the part of the assertion without a match (field: azure-workload-identity #1200,
  // Azure/login #482); the status (401 invalid_client) follows the field logs of 7002137.
  noFederatedIssuer: (issuer: string): AadFailure =>
    f(
      401,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${issuer}'. ${CHECK_FIC}`,
    ),
  noFederatedAudience: (audience: string): AadFailure =>
    f(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${audience}'. ${CHECK_FIC}`,
    ),
  noFederatedSubject: (subject: string): AadFailure =>
    f(
      401,
      'invalid_client',
      700213,
      `No matching federated identity record found for presented assertion subject '${subject}'. ${CHECK_FIC}`,
    ),
  issuerUnreachable: (issuer: string): AadFailure =>
    f(400, 'invalid_request', 50166, `Request to External OIDC endpoint failed. Issuer: '${issuer}'.`),
  federatedSignature: (): AadFailure =>
    f(
      400,
      'invalid_request',
      50013,
      'Assertion failed signature validation. [Reason - The key was not found.]',
    ),
  throttled: (): AadFailure =>
    f(
      429,
      'temporarily_unavailable',
      50196,
      'The server terminated an operation because it encountered a client request loop.',
    ),
  internal: (): AadFailure =>
    f(500, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
};

function stamp(date: Date): string {
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

export function aadErrorResponse(failure: AadFailure, now: Date, correlationId?: string): EmuResponse {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = stamp(now);
  return {
    status: failure.status,
    headers: { 'Cache-Control': 'no-store, no-cache', Pragma: 'no-cache', 'x-ms-request-id': traceId },
    json: {
      error: failure.error,
      error_description: `AADSTS${failure.code}: ${failure.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
    },
  };
}
