// Public API of @pod-identity/crd-types.
export * from './generated/constants';
export type * from './generated/types';
export type { ObjectMeta } from './object-meta';
export type { JsonSchemaNode } from './schema-node';
export type { ValidationIssue } from './validation-issue';
export { SCHEMAS } from './generated/schemas';
export { validate, assertValid, CrdValidationError, type ValidationResult } from './validate';
export { IDENTITY_TYPES, isServicePrincipalType, type IdentityType } from './identity-type';
export {
  isCrdObject,
  isAzureIdentity,
  isAzureIdentityBinding,
  isAzureAssignedIdentity,
  isAzurePodIdentityException,
  type ApiVersion,
  type CrdObjectsByKind,
  type TypedCrdObject,
} from './guards';
export {
  normalizeCrdObject,
  normalizeIdentitySpec,
  normalizeSecretReference,
  normalizeAzureIdentity,
  normalizeAzureIdentityBinding,
  normalizeAzurePodIdentityException,
  normalizeAzureAssignedIdentity,
  type NormalizedObjects,
  type NormalizedIdentitySpec,
  type NormalizedAzureIdentity,
  type NormalizedBindingSpec,
  type NormalizedAzureIdentityBinding,
  type NormalizedExceptionSpec,
  type NormalizedAzurePodIdentityException,
  type NormalizedAssignedSpec,
  type NormalizedAzureAssignedIdentity,
  type PodLabels,
} from './normalize';
