// Files that point clients at the emulator the way users point them at a custom cloud (Azure Stack style).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmulatorEndpoints {
  readonly arm: string;
  readonly authorityHost: string;
  readonly imds?: string;
  readonly control: string;
  readonly tenantId: string;
  readonly caPath: string;
}

/** go-autorest style environment (AZURE_ENVIRONMENT_FILEPATH), plus the IMDS and tenant for convenience. */
export function cloudEnvironment(e: EmulatorEndpoints): Record<string, unknown> {
  return {
    name: 'AzureStackCloud',
    managementPortalURL: '',
    publishSettingsURL: '',
    serviceManagementEndpoint: 'https://management.core.windows.net/',
    resourceManagerEndpoint: `${e.arm}/`,
    activeDirectoryEndpoint: `${e.authorityHost}/`,
    galleryEndpoint: '',
    keyVaultEndpoint: 'https://vault.azure.net/',
    graphEndpoint: 'https://graph.windows.net/',
    serviceBusEndpoint: '',
    batchManagementEndpoint: '',
    storageEndpointSuffix: 'core.windows.net',
    sqlDatabaseDNSSuffix: '',
    trafficManagerDNSSuffix: '',
    keyVaultDNSSuffix: 'vault.azure.net',
    serviceBusEndpointSuffix: '',
    serviceManagementVMDNSSuffix: '',
    resourceManagerVMDNSSuffix: '',
    containerRegistryDNSSuffix: '',
    tokenAudience: 'https://management.azure.com/',
    resourceIdentifiers: {
      graph: 'https://graph.windows.net/',
      keyVault: 'https://vault.azure.net',
      datalake: '',
      batch: '',
      operationalInsights: '',
      storage: 'https://storage.azure.com/',
    },
    // Not part of go-autorest's schema: where this emulator's IMDS and tenant are.
    imdsEndpoint: e.imds ?? '',
    tenantId: e.tenantId,
  };
}

/** Shell lines for `source`: the environment the SDKs read. */
export function envFile(e: EmulatorEndpoints, cloudPath: string): string {
  const lines = [
    `export NODE_EXTRA_CA_CERTS=${e.caPath}`,
    `export AZURE_AUTHORITY_HOST=${e.authorityHost}`,
    `export AZURE_TENANT_ID=${e.tenantId}`,
    `export AZURE_RESOURCE_MANAGER_ENDPOINT=${e.arm}`,
    `export AZURE_ENVIRONMENT_FILEPATH=${cloudPath}`,
    `export AZURE_EMULATOR_CONTROL=${e.control}`,
    ...(e.imds ? [`export AZURE_POD_IDENTITY_AUTHORITY_HOST=${e.imds}`] : []),
    'export NO_PROXY=localhost,127.0.0.1,::1',
  ];
  return `${lines.join('\n')}\n`;
}

export function writeCloudFiles(dir: string, e: EmulatorEndpoints): { cloudPath: string; envPath: string } {
  const cloudPath = join(dir, 'cloud.json');
  const envPath = join(dir, 'emulator.env');
  writeFileSync(cloudPath, `${JSON.stringify(cloudEnvironment(e), null, 2)}\n`);
  writeFileSync(envPath, envFile(e, cloudPath));
  return { cloudPath, envPath };
}
