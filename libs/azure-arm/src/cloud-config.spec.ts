import { CloudConfigError, cloudConfigFromEnv, parseCloudConfig } from './cloud-config';
import { knownCloudEnvironment, parseEnvironmentFile, resolveCloudEnvironment } from './cloud-environment';

describe('cloud config', () => {
  it('reads the azure.json fields MIC uses', () => {
    const c = parseCloudConfig(
      JSON.stringify({
        cloud: 'AzurePublicCloud',
        tenantId: 't',
        subscriptionId: 's',
        resourceGroup: 'rg',
        aadClientId: 'msi',
        aadClientSecret: 'msi',
        useManagedIdentityExtension: true,
        userAssignedIdentityID: 'kubelet-id',
        vmType: 'vmss',
        location: 'eastus',
      }),
    );
    expect(c).toMatchObject({
      subscriptionId: 's',
      resourceGroup: 'rg',
      useManagedIdentityExtension: true,
      userAssignedIdentityID: 'kubelet-id',
      vmType: 'vmss',
    });
  });

  it('requires service principal fields unless managed identity is used', () => {
    expect(() => parseCloudConfig('{"subscriptionId":"s","resourceGroup":"r"}')).toThrow(
      /tenantId, aadClientId, aadClientSecret/,
    );
    expect(() =>
      parseCloudConfig('{"subscriptionId":"s","resourceGroup":"r","useManagedIdentityExtension":"true"}'),
    ).not.toThrow();
    expect(() => parseCloudConfig('not json')).toThrow(CloudConfigError);
    expect(() => parseCloudConfig('{"subscriptionId":5}')).toThrow(/must be a string/);
  });

  it('reads the original environment variables', () => {
    const c = cloudConfigFromEnv({
      SUBSCRIPTION_ID: 's',
      RESOURCE_GROUP: 'r',
      USE_MSI: 'true',
      USER_ASSIGNED_MSI_CLIENT_ID: 'u',
    });
    expect(c).toMatchObject({
      cloud: 'AzurePublicCloud',
      useManagedIdentityExtension: true,
      userAssignedIdentityID: 'u',
    });
    expect(() => cloudConfigFromEnv({})).toThrow(/SUBSCRIPTION_ID/);
  });
});

describe('cloud environment', () => {
  it('knows the public clouds', () => {
    expect(knownCloudEnvironment('azurepubliccloud')?.armScope).toBe('https://management.azure.com/.default');
    expect(knownCloudEnvironment('AzureChinaCloud')?.resourceManagerEndpoint).toBe(
      'https://management.chinacloudapi.cn',
    );
    expect(knownCloudEnvironment('AzureStackCloud')).toBeUndefined();
  });

  it('reads a custom environment file, audience from tokenAudience', () => {
    const env = parseEnvironmentFile(
      JSON.stringify({
        name: 'Emu',
        resourceManagerEndpoint: 'https://127.0.0.1:9443/',
        activeDirectoryEndpoint: 'https://127.0.0.1:9443',
        tokenAudience: 'https://management.azure.com/',
      }),
    );
    expect(env).toEqual({
      name: 'Emu',
      resourceManagerEndpoint: 'https://127.0.0.1:9443',
      authorityHost: 'https://127.0.0.1:9443',
      armScope: 'https://management.azure.com/.default',
      custom: true,
    });
    expect(() => parseEnvironmentFile('{}')).toThrow(/required/);
  });

  it('resolves: file first, then override, then known cloud', () => {
    expect(() => resolveCloudEnvironment({ cloud: 'AzureStackCloud' })).toThrow(/environment file/);
    expect(
      resolveCloudEnvironment({ cloud: 'AzurePublicCloud', resourceManagerEndpoint: 'https://arm.local/' }),
    ).toMatchObject({ resourceManagerEndpoint: 'https://arm.local', custom: true });
    expect(resolveCloudEnvironment({ cloud: 'AzurePublicCloud' }).custom).toBe(false);
  });
});
