// Which backend gives a pod the tokens of an identity (docs/adr/0010-federated-backend.md): the VM backend
// (identity on the node's VM/VMSS, tokens from IMDS) or federation (the pod's ServiceAccount token
// exchanged at Entra ID). Shared by MIC, which records its choice on the AzureAssignedIdentity, and NMI,
// which reads it back.
import { IDENTITY_TYPES, type IdentityType } from '@pod-identity/crd-types';

export const IDENTITY_BACKENDS = { VM: 'VM', Federated: 'Federated' } as const;
export type IdentityBackend = (typeof IDENTITY_BACKENDS)[keyof typeof IDENTITY_BACKENDS];

/** Annotation MIC writes on a federated AzureAssignedIdentity; absent means the VM backend. */
export const IDENTITY_BACKEND_ANNOTATION = 'aadpodidentity.k8s.io/identity-backend';

/** The audience Entra ID expects in a federated assertion (and the only one MIC puts on a credential). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export function isIdentityBackend(value: unknown): value is IdentityBackend {
  return value === IDENTITY_BACKENDS.VM || value === IDENTITY_BACKENDS.Federated;
}

/**
 * The backend of an identity: its own spec.backend, else the cluster default. Service principals (types 1
 * and 2) always use their own credential and count as VM (nothing federated about them).
 */
export function effectiveBackend(
  spec: { readonly type?: IdentityType; readonly backend?: string } | undefined,
  clusterDefault: IdentityBackend,
): IdentityBackend {
  if ((spec?.type ?? IDENTITY_TYPES.UserAssignedMSI) !== IDENTITY_TYPES.UserAssignedMSI)
    return IDENTITY_BACKENDS.VM;
  return isIdentityBackend(spec?.backend) ? spec.backend : clusterDefault;
}

/** The backend MIC recorded on an AzureAssignedIdentity (objects without the annotation are VM-backed). */
export function assignedBackend(
  meta: { readonly annotations?: { readonly [k: string]: string } } | undefined,
): IdentityBackend {
  return meta?.annotations?.[IDENTITY_BACKEND_ANNOTATION] === IDENTITY_BACKENDS.Federated
    ? IDENTITY_BACKENDS.Federated
    : IDENTITY_BACKENDS.VM;
}

/** The subject of a ServiceAccount token, as Entra ID compares it with a federated credential. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

/** The ServiceAccount a pod runs as: spec.serviceAccountName, "default" when unset (as the apiserver defaults it). */
export function podServiceAccount(serviceAccountName: string | undefined): string {
  return serviceAccountName || 'default';
}
