// Builds the ARM credential from the cloud config: managed identity (system- or user-assigned) when
// useManagedIdentityExtension is set, else the service principal's client secret.
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { CloudConfig } from './cloud-config';
import type { CloudEnvironment } from './cloud-environment';
import type { ArmTokenCredential } from './compute-identity-client';

export type CredentialKind = 'managed-identity-system' | 'managed-identity-user' | 'service-principal-secret';

export interface ArmCredential {
  readonly kind: CredentialKind;
  readonly credential: ArmTokenCredential;
}

/** `caPem`: extra trusted CA certificates (PEM) for the authority, besides NODE_EXTRA_CA_CERTS. */
export function createArmCredential(
  config: CloudConfig,
  environment: CloudEnvironment,
  caPem?: string,
): ArmCredential {
  const tlsOptions = caPem ? { tlsOptions: { ca: caPem } } : {};
  if (config.useManagedIdentityExtension) {
    // IMDS (or AZURE_POD_IDENTITY_AUTHORITY_HOST) is the only endpoint; msal reads the override itself.
    return config.userAssignedIdentityID
      ? {
          kind: 'managed-identity-user',
          credential: new ManagedIdentityCredential({
            clientId: config.userAssignedIdentityID,
            ...tlsOptions,
          }),
        }
      : { kind: 'managed-identity-system', credential: new ManagedIdentityCredential({ ...tlsOptions }) };
  }
  const credential = new ClientSecretCredential(
    config.tenantId,
    config.aadClientId ?? '',
    config.aadClientSecret ?? '',
    {
      authorityHost: environment.authorityHost,
      disableInstanceDiscovery: environment.custom,
      ...tlsOptions,
    },
  );
  return { kind: 'service-principal-secret', credential };
}
