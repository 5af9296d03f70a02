// The envtest API server as an OIDC issuer: its discovery document and signing keys, read with admin
// credentials (anonymous callers, like Entra ID, may not read them there) and registered in the Azure
// emulator's seed, so the emulator's Entra ID checks ServiceAccount tokens the way Entra checks AKS's.
import { type KubeConfig, OpenidApi, WellKnownApi } from '@kubernetes/client-node';
import type { AzureEmulator } from '@pod-identity/azure-emulator';

export interface ClusterIssuer {
  readonly issuer: string;
  readonly jwks: { keys: Record<string, unknown>[] };
}

/** client-node types these answers as strings but hands over the parsed JSON. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

export async function clusterIssuer(admin: KubeConfig): Promise<ClusterIssuer> {
  const discovery = json<{ issuer: string }>(await admin.makeApiClient(WellKnownApi).getServiceAccountIssuerOpenIDConfiguration());
  const jwks = json<ClusterIssuer['jwks']>(await admin.makeApiClient(OpenidApi).getServiceAccountIssuerOpenIDKeyset());
  return { issuer: discovery.issuer, jwks };
}

/** Registers the cluster's issuer with the emulator's Entra ID; returns the issuer URL. */
export async function trustClusterIssuer(admin: KubeConfig, emulator: AzureEmulator): Promise<string> {
  const found = await clusterIssuer(admin);
  await emulator.control.seed({ oidcIssuers: [found] });
  return found.issuer;
}
