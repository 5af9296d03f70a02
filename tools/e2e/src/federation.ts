// The federated backend in the e2e world (docs/adr/0010): the envtest API server's issuer and signing
// keys registered with the emulator's Entra ID (read with admin credentials: the API server serves them
// only to authenticated callers), and the flags that point MIC and NMI at it. NMI reaches Entra ID at
// https://127.0.0.1:<port> inside the node namespace through a loopback bridge (bridges.ts).
import type { KubeConfig } from '@kubernetes/client-node';
import { trustServiceAccountIssuer } from '@pod-identity/envtest';
import type { AzureEmulator } from '@pod-identity/azure-emulator';
import { TENANT_ID } from './world';

export interface FederationSetup {
  readonly issuer: string;
  /** The emulator's Entra ID port (bridged into every node namespace). */
  readonly authorityPort: number;
  readonly micFlags: readonly string[];
  readonly nmiFlags: readonly string[];
}

export interface FederationOptions {
  /** MIC creates and deletes federated credentials (--manage-federated-credentials). */
  readonly manageCredentials: boolean;
}

export async function prepareFederation(
  admin: KubeConfig,
  emulator: AzureEmulator,
  options: FederationOptions,
): Promise<FederationSetup> {
  const issuer = await trustServiceAccountIssuer(admin, emulator.control);
  const authorityPort = Number(new URL(emulator.urls.authorityHost).port);
  return {
    issuer,
    authorityPort,
    micFlags: [
      `--oidc-issuer-url=${issuer}`,
      '--federated-credential-settle=0',
      ...(options.manageCredentials ? ['--manage-federated-credentials'] : []),
    ],
    nmiFlags: [
      `--default-ad-endpoint=https://127.0.0.1:${authorityPort}/`,
      `--authority-ca-file=${emulator.ca.path}`,
      `--federated-tenant-id=${TENANT_ID}`,
    ],
  };
}
