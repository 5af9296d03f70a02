// Public API of @pod-identity/crd-types.
export * from './generated/constants';
export type * from './generated/types';
export type { ObjectMeta } from './object-meta';
export type { JsonSchemaNode } from './schema-node';
export type { ValidationIssue } from './validation-issue';
export { SCHEMAS } from './generated/schemas';
export { validate, assertValid, CrdValidationError, type ValidationResult } from './validate';
export {
  normalizeIdentitySpec,
  normalizeSecretReference,
  normalizeAzureIdentity,
  normalizeAzureIdentityBinding,
  normalizeAzurePodIdentityException,
  type IdentityType,
  type NormalizedIdentitySpec,
} from './normalize';
