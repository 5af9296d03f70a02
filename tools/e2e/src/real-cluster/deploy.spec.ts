import { CLOUD_CONFIG_SECRET, cloudConfigObjects, LOCAL_CLOUD_CONFIGMAP, SYSTEM_NAMESPACE } from './deploy';

describe('the local cluster Azure configuration', () => {
  it('is azure.json in the Secret MIC mounts, and the cloud file and CA in the ConfigMap of the local overlay', () => {
    const list = JSON.parse(cloudConfigObjects('{"name":"AzureStackCloud"}', 'PEM')) as {
      items: {
        kind: string;
        metadata: { name: string; namespace?: string };
        stringData?: Record<string, string>;
        data?: Record<string, string>;
      }[];
    };
    const [ns, secret, configMap] = list.items;
    expect(ns).toMatchObject({ kind: 'Namespace', metadata: { name: SYSTEM_NAMESPACE } });
    expect(secret.metadata).toEqual({ name: CLOUD_CONFIG_SECRET, namespace: SYSTEM_NAMESPACE });
    expect(JSON.parse(secret.stringData?.['azure.json'] ?? '{}')).toMatchObject({
      cloud: 'AzureStackCloud',
      vmType: 'vmss',
    });
    expect(configMap.metadata.name).toBe(LOCAL_CLOUD_CONFIGMAP);
    expect(configMap.data).toEqual({ 'cloud.json': '{"name":"AzureStackCloud"}', 'ca.pem': 'PEM' });
  });
});
