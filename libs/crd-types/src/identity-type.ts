// spec.type of an AzureIdentity, by the names of the original's Go constants.

export const IDENTITY_TYPES = {
  /** A user-assigned managed identity, put on the pod's VM/VMSS by MIC (spec.resourceID, spec.clientID). */
  UserAssignedMSI: 0,
  /** A service principal with a client secret (spec.tenantID, spec.clientID, spec.clientPassword). */
  ServicePrincipal: 1,
  /** A service principal with a PKCS#12 certificate (spec.tenantID, spec.clientID, spec.clientPassword). */
  ServicePrincipalCertificate: 2,
} as const;

export type IdentityType = (typeof IDENTITY_TYPES)[keyof typeof IDENTITY_TYPES];

/** Types 1 and 2: NMI gets the token from Entra ID with a credential read from a Secret. */
export function isServicePrincipalType(type: IdentityType): type is 1 | 2 {
  return type === IDENTITY_TYPES.ServicePrincipal || type === IDENTITY_TYPES.ServicePrincipalCertificate;
}
