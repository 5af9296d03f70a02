// Old manifests (before the original's v1.6) spell fields in PascalCase, and clients built on the
// original's Go types send "" and {} for unset fields. The CRDs keep both spellings and reject
// disagreeing pairs; everything that reads our objects goes through normalizeCrdObject (libs/kube does
// it on every read), so the rest of the code sees camelCase only and no empty placeholders.
// See docs/adr/0002-legacy-pascalcase-fields.md.
import type { Kind } from './generated/constants';
import type {
  AzureAssignedIdentity,
  AzureAssignedIdentitySpec,
  AzureIdentity,
  AzureIdentityBinding,
  AzureIdentityBindingSpec,
  AzureIdentitySpec,
  AzurePodIdentityException,
  AzurePodIdentityExceptionSpec,
  LegacySecretReference,
  SecretReference,
} from './generated/types';
import { IDENTITY_TYPES, type IdentityType } from './identity-type';

/** An AzureIdentity spec with only the canonical fields, type defaulted to 0 (UserAssignedMSI). */
export type NormalizedIdentitySpec = Omit<
  AzureIdentitySpec,
  'Type' | 'ResourceID' | 'ClientID' | 'ClientPassword' | 'TenantID' | 'type'
> & { type: IdentityType };
export type NormalizedAzureIdentity = Omit<AzureIdentity, 'spec'> & { spec: NormalizedIdentitySpec };

export type NormalizedBindingSpec = Omit<AzureIdentityBindingSpec, 'AzureIdentity' | 'Selector'>;
export type NormalizedAzureIdentityBinding = Omit<AzureIdentityBinding, 'spec'> & {
  spec: NormalizedBindingSpec;
};

export type PodLabels = { [key: string]: string | undefined };
export type NormalizedExceptionSpec = Omit<AzurePodIdentityExceptionSpec, 'PodLabels' | 'podLabels'> & {
  podLabels?: PodLabels;
};
export type NormalizedAzurePodIdentityException = Omit<AzurePodIdentityException, 'spec'> & {
  spec: NormalizedExceptionSpec;
};

export type NormalizedAssignedSpec = Omit<
  AzureAssignedIdentitySpec,
  'azureIdentityRef' | 'azureBindingRef'
> & {
  azureIdentityRef?: NormalizedAzureIdentity;
  azureBindingRef?: NormalizedAzureIdentityBinding;
};
export type NormalizedAzureAssignedIdentity = Omit<AzureAssignedIdentity, 'spec'> & {
  spec: NormalizedAssignedSpec;
};

/** The object type of each kind after normalizeCrdObject. */
export interface NormalizedObjects {
  AzureIdentity: NormalizedAzureIdentity;
  AzureIdentityBinding: NormalizedAzureIdentityBinding;
  AzureAssignedIdentity: NormalizedAzureAssignedIdentity;
  AzurePodIdentityException: NormalizedAzurePodIdentityException;
}

/** Normalises an object read from the apiserver, by kind. The input is not modified. */
export function normalizeCrdObject<K extends Kind>(kind: K, obj: unknown): NormalizedObjects[K] {
  switch (kind) {
    case 'AzureIdentity':
      return normalizeAzureIdentity(obj as AzureIdentity) as NormalizedObjects[K];
    case 'AzureIdentityBinding':
      return normalizeAzureIdentityBinding(obj as AzureIdentityBinding) as NormalizedObjects[K];
    case 'AzurePodIdentityException':
      return normalizeAzurePodIdentityException(obj as AzurePodIdentityException) as NormalizedObjects[K];
    default:
      return normalizeAzureAssignedIdentity(obj as AzureAssignedIdentity) as NormalizedObjects[K];
  }
}

export function normalizeIdentitySpec(spec: AzureIdentitySpec | undefined): NormalizedIdentitySpec {
  const { Type, ResourceID, ClientID, ClientPassword, TenantID, ...rest } = spec ?? {};
  const out: NormalizedIdentitySpec = {
    ...rest,
    type: (rest.type ?? Type ?? IDENTITY_TYPES.UserAssignedMSI) as IdentityType,
  };
  assign(out, 'resourceID', firstSet(rest.resourceID, ResourceID));
  assign(out, 'clientID', firstSet(rest.clientID, ClientID));
  assign(out, 'tenantID', firstSet(rest.tenantID, TenantID));
  const camelRef = normalizeSecretReference(rest.clientPassword);
  assign(
    out,
    'clientPassword',
    camelRef?.name ? camelRef : (normalizeSecretReference(ClientPassword) ?? camelRef),
  );
  return out;
}

export function normalizeSecretReference(
  ref: SecretReference | LegacySecretReference | undefined,
): SecretReference | undefined {
  if (!ref) return undefined;
  const out: SecretReference = {};
  assign(out, 'name', firstSet(ref.name, ref.Name));
  assign(out, 'namespace', firstSet(ref.namespace, ref.Namespace));
  return out;
}

export function normalizeAzureIdentity(identity: AzureIdentity): NormalizedAzureIdentity {
  return { ...identity, spec: normalizeIdentitySpec(identity.spec) };
}

export function normalizeAzureIdentityBinding(binding: AzureIdentityBinding): NormalizedAzureIdentityBinding {
  const { AzureIdentity: legacyIdentity, Selector, ...rest } = binding.spec ?? {};
  const spec: NormalizedBindingSpec = { ...rest };
  assign(spec, 'azureIdentity', firstSet(rest.azureIdentity, legacyIdentity));
  assign(spec, 'selector', firstSet(rest.selector, Selector));
  return { ...binding, spec };
}

export function normalizeAzurePodIdentityException(
  exception: AzurePodIdentityException,
): NormalizedAzurePodIdentityException {
  const { PodLabels, podLabels, ...rest } = exception.spec ?? {};
  const spec: NormalizedExceptionSpec = { ...rest };
  assign(spec, 'podLabels', hasLabels(podLabels) ? podLabels : (PodLabels ?? podLabels ?? undefined));
  return { ...exception, spec };
}

/** An AzureAssignedIdentity with its embedded identity and binding normalised (null refs dropped). */
export function normalizeAzureAssignedIdentity(
  assigned: AzureAssignedIdentity,
): NormalizedAzureAssignedIdentity {
  const { azureIdentityRef, azureBindingRef, ...rest } = assigned.spec ?? {};
  const spec = { ...rest } as NormalizedAssignedSpec;
  if (azureIdentityRef) spec.azureIdentityRef = normalizeAzureIdentity(azureIdentityRef);
  if (azureBindingRef) spec.azureBindingRef = normalizeAzureIdentityBinding(azureBindingRef);
  return { ...assigned, spec };
}

/**
 * The camelCase value unless it is unset or empty (clients built on the original's Go types send "" for
 * unset strings), then the legacy one, then whatever camelCase had.
 */
function firstSet(camel: string | undefined, legacy: string | undefined): string | undefined {
  return camel !== undefined && camel !== '' ? camel : (legacy ?? camel);
}

function hasLabels(labels: PodLabels | null | undefined): labels is PodLabels {
  return !!labels && Object.keys(labels).length > 0;
}

/** Sets a key only when there is a value, so normalised objects carry no `undefined` fields. */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
  else delete target[key];
}
