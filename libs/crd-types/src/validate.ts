// Validates an object of one of our kinds exactly as the apiserver would: structure first
// (compiled ajv validators), then the CEL rules. Unknown fields are errors, as with kubectl's
// strict field validation, so a misspelt field is never silently dropped.
import { checkCelRules } from './cel-rules';
import type { AjvError, CompiledValidator } from './compiled-validator';
import { SCHEMAS } from './generated/schemas';
import * as compiled from './generated/validators';
import type { Kind } from './generated/constants';
import type { ValidationIssue } from './validation-issue';

export interface ValidationResult {
  valid: boolean;
  issues: ValidationIssue[];
}

const validators: Record<Kind, CompiledValidator> = {
  AzureIdentity: compiled.validateAzureIdentity,
  AzureIdentityBinding: compiled.validateAzureIdentityBinding,
  AzureAssignedIdentity: compiled.validateAzureAssignedIdentity,
  AzurePodIdentityException: compiled.validateAzurePodIdentityException,
};

export function validate(kind: Kind, object: unknown): ValidationResult {
  const structural = validators[kind];
  if (!structural) throw new Error(`unknown kind ${String(kind)}`);
  if (!structural(object)) {
    return { valid: false, issues: (structural.errors ?? []).map(describeAjvError) };
  }
  const issues = checkCelRules(SCHEMAS[kind], object);
  return { valid: issues.length === 0, issues };
}

export class CrdValidationError extends Error {
  constructor(
    readonly kind: Kind,
    readonly issues: ValidationIssue[],
  ) {
    super(`invalid ${kind}: ${issues.map((i) => `${i.path || '(object)'}: ${i.message}`).join('; ')}`);
    this.name = 'CrdValidationError';
  }
}

/** Throws CrdValidationError, naming every bad field, when the object is invalid. */
export function assertValid(kind: Kind, object: unknown): void {
  const result = validate(kind, object);
  if (!result.valid) throw new CrdValidationError(kind, result.issues);
}

function describeAjvError(error: AjvError): ValidationIssue {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const join = (field: unknown): string => (path ? `${path}.${String(field)}` : String(field));
  switch (error.keyword) {
    case 'required':
      return { path: join(error.params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { path: join(error.params.additionalProperty), message: 'unknown field (check its spelling)' };
    case 'enum':
      return {
        path,
        message: `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path, message: error.message ?? error.keyword };
  }
}
