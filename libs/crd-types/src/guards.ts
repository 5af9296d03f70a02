// Type guards for objects of unknown shape (a watch event, a parsed manifest): they check apiVersion
// and kind only. Use validate() to check the rest.
import { API_VERSION, type Kind } from './generated/constants';
import type {
  AzureAssignedIdentity,
  AzureIdentity,
  AzureIdentityBinding,
  AzurePodIdentityException,
} from './generated/types';

export type ApiVersion = typeof API_VERSION;

/** The raw (not normalised) object type of each kind. */
export interface CrdObjectsByKind {
  AzureIdentity: AzureIdentity;
  AzureIdentityBinding: AzureIdentityBinding;
  AzureAssignedIdentity: AzureAssignedIdentity;
  AzurePodIdentityException: AzurePodIdentityException;
}

/** An object of one of our kinds, with apiVersion and kind set. */
export type TypedCrdObject<K extends Kind = Kind> = CrdObjectsByKind[K] & { apiVersion: ApiVersion; kind: K };

export function isCrdObject<K extends Kind>(kind: K, value: unknown): value is TypedCrdObject<K> {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind: actual } = value as { apiVersion?: unknown; kind?: unknown };
  return apiVersion === API_VERSION && actual === kind;
}

export const isAzureIdentity = (value: unknown): value is TypedCrdObject<'AzureIdentity'> =>
  isCrdObject('AzureIdentity', value);
export const isAzureIdentityBinding = (value: unknown): value is TypedCrdObject<'AzureIdentityBinding'> =>
  isCrdObject('AzureIdentityBinding', value);
export const isAzureAssignedIdentity = (value: unknown): value is TypedCrdObject<'AzureAssignedIdentity'> =>
  isCrdObject('AzureAssignedIdentity', value);
export const isAzurePodIdentityException = (
  value: unknown,
): value is TypedCrdObject<'AzurePodIdentityException'> => isCrdObject('AzurePodIdentityException', value);
