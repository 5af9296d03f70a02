// The envtest API server's issuer registered with the Azure emulator's Entra ID, so Entra checks
// ServiceAccount tokens the way it checks AKS's.
import type { KubeConfig } from '@kubernetes/client-node';
import type { AzureEmulator } from '@pod-identity/azure-emulator';
import { serviceAccountIssuer } from '@pod-identity/envtest';

/** Registers the cluster's issuer with the emulator's Entra ID; returns the issuer URL. */
export async function trustClusterIssuer(admin: KubeConfig, emulator: AzureEmulator): Promise<string> {
  const found = await serviceAccountIssuer(admin);
  await emulator.control.seed({ oidcIssuers: [found] });
  return found.issuer;
}
