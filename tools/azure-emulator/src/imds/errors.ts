// IMDS error bodies: the OAuth shape {"error","error_description"} (azure-wire.md §1.1).
import type { EmuResponse, ErrorShapes } from '../http/types';

export const IMDS_SERVER_HEADER = { Server: 'IMDS/150.870.65.1854' };

function oauth(status: number, error: string, description: string): EmuResponse {
  return { status, json: { error, error_description: description }, headers: { ...IMDS_SERVER_HEADER } };
}

export const imdsErrors = {
  metadataHeader: (): EmuResponse => oauth(400, 'invalid_request', 'Required metadata header not specified'),
  forwarded: (): EmuResponse =>
    oauth(400, 'invalid_request', 'Requests with an X-Forwarded-For header are not allowed'),
  missingParam: (name: string): EmuResponse =>
    oauth(400, 'invalid_request', `Required query variable '${name}' is missing`),
  duplicateParam: (name: string): EmuResponse =>
    oauth(400, 'invalid_request', `Query parameter '${name}' is specified more than once`),
  conflictingIds: (): EmuResponse =>
    oauth(400, 'invalid_request', 'Only one of client_id, object_id, msi_res_id may be specified'),
  identityNotFound: (): EmuResponse => oauth(400, 'invalid_request', 'Identity not found'),
  notYetAvailable: (): EmuResponse => oauth(404, 'not_found', 'Identity not found'),
  ambiguous: (): EmuResponse =>
    oauth(
      400,
      'invalid_request',
      'Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request',
    ),
  invalidResource: (resource: string, tenant: string): EmuResponse =>
    oauth(
      400,
      'invalid_resource',
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  throttled: (): EmuResponse => ({
    ...oauth(429, 'too_many_requests', 'Too many requests to the managed identity endpoint of this VM'),
  }),
  unknownCaller: (address: string): EmuResponse =>
    oauth(
      403,
      'unknown_caller',
      `azure-emulator: no simulated node is mapped to source address ${address} (give the node "addresses" or use its own IMDS listener)`,
    ),
  methodNotAllowed: (): EmuResponse =>
    oauth(405, 'invalid_request', 'The requested HTTP method is not allowed'),
  notFound: (): EmuResponse => ({
    status: 404,
    json: { error: 'Not found' },
    headers: { ...IMDS_SERVER_HEADER },
  }),
};

export const imdsErrorShapes: ErrorShapes = {
  status: (status, code, message) =>
    oauth(status, code ?? (status >= 500 ? 'unknown' : 'invalid_request'), message ?? defaultMessage(status)),
  throttled: (retryAfter) => ({
    ...imdsErrors.throttled(),
    headers: { ...IMDS_SERVER_HEADER, 'Retry-After': String(retryAfter) },
  }),
  internal: () =>
    oauth(500, 'unknown', 'Failed to retrieve token from the Active directory. For details see logs.'),
};

function defaultMessage(status: number): string {
  if (status === 404) return 'IMDS endpoint is updating';
  if (status === 410) return 'IMDS is going through updates';
  if (status >= 500) return 'Failed to retrieve token from the Active directory. For details see logs.';
  return 'Request failed';
}
