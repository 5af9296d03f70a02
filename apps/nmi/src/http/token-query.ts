// The token request's query string, checked strictly: IMDS rejects duplicate parameters, so do we (two
// parsers reading different values of one parameter is a classic bypass). api-version is accepted
// and ignored; unknown parameters are ignored.
import type { IdentityRequest } from '@pod-identity/domain';
import { NmiError } from '../errors';

export interface TokenQuery {
  readonly resource: string;
  readonly request: IdentityRequest;
}

const CHECKED = ['resource', 'client_id', 'msi_res_id', 'mi_res_id', 'object_id', 'api-version'];

export function parseTokenQuery(query: string): TokenQuery {
  const params = new URLSearchParams(query);
  for (const name of CHECKED) {
    if (params.getAll(name).length > 1) throw new NmiError('bad-query', `duplicate query parameter ${name}`);
  }
  const resource = params.get('resource') ?? '';
  if (resource.trim() === '') throw new NmiError('missing-resource', 'parameter resource cannot be empty');
  return { resource, request: identityRequest(params) };
}

function identityRequest(params: URLSearchParams): IdentityRequest {
  const clientId = nonEmpty(params.get('client_id'));
  const msiResId = nonEmpty(params.get('msi_res_id'));
  const miResId = nonEmpty(params.get('mi_res_id'));
  const objectId = nonEmpty(params.get('object_id'));
  if (msiResId !== undefined && miResId !== undefined && msiResId !== miResId) {
    throw new NmiError('bad-query', 'msi_res_id and mi_res_id name different identities');
  }
  const resourceId = msiResId ?? miResId;
  const given = [clientId, resourceId, objectId].filter((v) => v !== undefined).length;
  if (given > 1) {
    throw new NmiError(
      'bad-query',
      'only one of client_id, msi_res_id (mi_res_id) and object_id may be given',
    );
  }
  if (clientId !== undefined) return { by: 'clientId', value: clientId };
  if (resourceId !== undefined) return { by: 'resourceId', value: resourceId };
  if (objectId !== undefined) return { by: 'objectId', value: objectId };
  return { by: 'none' };
}

function nonEmpty(value: string | null): string | undefined {
  return value === null || value.trim() === '' ? undefined : value;
}
