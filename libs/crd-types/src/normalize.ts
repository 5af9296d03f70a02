// Old manifests (before the original's v1.6) spell fields in PascalCase. The CRDs keep both spellings
// and reject disagreeing pairs; everything that reads our objects goes through these functions, so the
// rest of the code sees camelCase only. See docs/adr/0002-legacy-pascalcase-fields.md.
import type {
  AzureIdentity,
  AzureIdentityBinding,
  AzureIdentitySpec,
  AzurePodIdentityException,
  LegacySecretReference,
  SecretReference,
} from './generated/types';

export type IdentityType = 0 | 1 | 2;

/** An AzureIdentity spec with only the canonical fields, type defaulted to 0. */
export type NormalizedIdentitySpec = Omit<
  AzureIdentitySpec,
  'Type' | 'ResourceID' | 'ClientID' | 'ClientPassword' | 'TenantID' | 'type'
> & { type: IdentityType };

export function normalizeIdentitySpec(spec: AzureIdentitySpec | undefined): NormalizedIdentitySpec {
  const { Type, ResourceID, ClientID, ClientPassword, TenantID, ...rest } = spec ?? {};
  const out: NormalizedIdentitySpec = { ...rest, type: (rest.type ?? Type ?? 0) as IdentityType };
  assign(out, 'resourceID', rest.resourceID ?? ResourceID);
  assign(out, 'clientID', rest.clientID ?? ClientID);
  assign(out, 'tenantID', rest.tenantID ?? TenantID);
  assign(out, 'clientPassword', normalizeSecretReference(rest.clientPassword ?? ClientPassword));
  return out;
}

export function normalizeSecretReference(
  ref: SecretReference | LegacySecretReference | undefined,
): SecretReference | undefined {
  if (!ref) return undefined;
  const out: SecretReference = {};
  assign(out, 'name', ref.name ?? ref.Name);
  assign(out, 'namespace', ref.namespace ?? ref.Namespace);
  return out;
}

export function normalizeAzureIdentity(identity: AzureIdentity): AzureIdentity & { spec: NormalizedIdentitySpec } {
  return { ...identity, spec: normalizeIdentitySpec(identity.spec) };
}

export function normalizeAzureIdentityBinding(binding: AzureIdentityBinding): AzureIdentityBinding {
  const { AzureIdentity: legacyIdentity, Selector, ...rest } = binding.spec ?? {};
  const spec = { ...rest };
  assign(spec, 'azureIdentity', rest.azureIdentity ?? legacyIdentity);
  assign(spec, 'selector', rest.selector ?? Selector);
  return { ...binding, spec };
}

export function normalizeAzurePodIdentityException(exception: AzurePodIdentityException): AzurePodIdentityException {
  const { PodLabels, ...rest } = exception.spec ?? {};
  const spec = { ...rest };
  assign(spec, 'podLabels', rest.podLabels ?? PodLabels);
  return { ...exception, spec };
}

/** Sets a key only when there is a value, so normalised objects carry no `undefined` fields. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
  else delete target[key];
}
