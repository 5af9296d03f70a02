// Compatibility of the generated CRDs with what is already out there, on a real kube-apiserver:
// objects as clients built on the original's Go types write them (clientPassword: {}, "" and null for
// unset fields), and what `kubectl get` shows for all four kinds, legacy PascalCase objects included.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_VERSION, GROUP, type Kind, PLURALS, VERSION } from '@pod-identity/crd-types';
import { binDir } from './binaries';
import { installCrds } from './crds';
import { ENVTEST_KUBECONFIG } from './jest/env';
import { testNamespace } from './jest/test-namespace';
import { apiFailure } from './testing/api-error';

const RESOURCE_ID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1';
const CLIENT_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const LEGACY_CLIENT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

const ns = testNamespace();

function create(kubeConfig: KubeConfig, kind: Kind, name: string, fields: Record<string, unknown>) {
  return kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns.name,
    plural: PLURALS[kind],
    body: { apiVersion: API_VERSION, kind, metadata: { name }, ...fields },
  });
}

/** Rows of the apiserver's Table rendering (what `kubectl get` prints), as column name -> cell. */
async function table(kubeConfig: KubeConfig, kind: Kind): Promise<Record<string, unknown>[]> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const options: { headers?: Record<string, string> } & Record<string, unknown> = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const { request } = await import('node:https');
  const url = new URL(`${cluster.server}/apis/${GROUP}/${VERSION}/namespaces/${ns.name}/${PLURALS[kind]}`);
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      url,
      {
        ...options,
        headers: { ...options.headers, Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('Table request timed out')));
    req.on('error', reject);
    req.end();
  });
  const parsed = JSON.parse(body) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] };
  const names = parsed.columnDefinitions.map((c) => c.name);
  return parsed.rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r.cells[i]])));
}

function kubectlPath(): string | undefined {
  return [process.env.KUBECTL, '/usr/bin/kubectl', join(binDir(), 'kubectl')].find(
    (p): p is string => !!p && existsSync(p),
  );
}

describe('CRDs and clients of the original project (real kube-apiserver)', () => {
  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
  });

  describe('objects as the original Go types write them', () => {
    it('accepts a user-assigned identity with clientPassword: {} and spec.metadata', async () => {
      await expect(
        create(ns.kubeConfig, 'AzureIdentity', 'go-uai', {
          spec: {
            metadata: { creationTimestamp: null },
            resourceID: RESOURCE_ID,
            clientID: CLIENT_ID,
            clientPassword: {},
          },
          status: { metadata: { creationTimestamp: null } },
        }),
      ).resolves.toBeTruthy();
    });

    it('accepts zero values of every optional identity field', async () => {
      await expect(
        create(ns.kubeConfig, 'AzureIdentity', 'go-zero', {
          spec: {
            type: 0,
            resourceID: RESOURCE_ID,
            clientID: CLIENT_ID,
            clientPassword: { name: '', namespace: '' },
            tenantID: '',
            auxiliaryTenantIDs: null,
            adEndpoint: '',
            adResourceID: '',
            replicas: null,
          },
        }),
      ).resolves.toBeTruthy();
    });

    it('accepts a binding with weight 0, an exception with podLabels: null beside PodLabels, an assigned identity with nil refs', async () => {
      await expect(
        create(ns.kubeConfig, 'AzureIdentityBinding', 'go-binding', {
          spec: {
            metadata: { creationTimestamp: null },
            azureIdentity: 'go-uai',
            selector: 'demo',
            weight: 0,
          },
        }),
      ).resolves.toBeTruthy();
      await expect(
        create(ns.kubeConfig, 'AzurePodIdentityException', 'go-exception', {
          spec: { podLabels: null, PodLabels: { app: 'x' } },
        }),
      ).resolves.toBeTruthy();
      await expect(
        create(ns.kubeConfig, 'AzureAssignedIdentity', 'go-assigned', {
          spec: {
            azureIdentityRef: null,
            azureBindingRef: null,
            pod: 'p',
            podNamespace: ns.name,
            nodename: 'n0',
            replicas: null,
          },
          status: { status: '', availableReplicas: 0 },
        }),
      ).resolves.toBeTruthy();
    });

    it('still rejects a service principal whose clientPassword names no Secret', async () => {
      const failure = await apiFailure(
        create(ns.kubeConfig, 'AzureIdentity', 'sp-empty', {
          spec: { type: 1, tenantID: TENANT_ID, clientID: CLIENT_ID, clientPassword: {} },
        }),
      );
      expect(failure.code).toBe(422);
      expect(failure.message).toContain('spec.clientPassword is required for types 1 and 2');
    });

    it('still rejects a user-assigned identity whose resourceID is ""', async () => {
      const failure = await apiFailure(
        create(ns.kubeConfig, 'AzureIdentity', 'uai-empty', {
          spec: { resourceID: '', clientID: CLIENT_ID },
        }),
      );
      expect(failure.code).toBe(422);
      expect(failure.message).toContain('spec.resourceID is required for type 0');
    });
  });

  describe('printer columns', () => {
    beforeAll(async () => {
      await create(ns.kubeConfig, 'AzureIdentity', 'legacy-uai', {
        spec: { ResourceID: RESOURCE_ID, ClientID: LEGACY_CLIENT_ID },
      });
      await create(ns.kubeConfig, 'AzureIdentity', 'legacy-sp', {
        spec: { Type: 1, TenantID: TENANT_ID, ClientID: LEGACY_CLIENT_ID, ClientPassword: { Name: 's' } },
      });
      await create(ns.kubeConfig, 'AzureIdentityBinding', 'legacy-binding', {
        spec: { AzureIdentity: 'legacy-uai', Selector: 'old' },
      });
      await create(ns.kubeConfig, 'AzureAssignedIdentity', 'p-ns-go-uai', {
        spec: {
          pod: 'p',
          podNamespace: ns.name,
          nodename: 'node-0',
          azureIdentityRef: {
            apiVersion: API_VERSION,
            kind: 'AzureIdentity',
            metadata: { name: 'go-uai' },
            spec: { clientID: CLIENT_ID },
          },
        },
        status: { status: 'Assigned' },
      });
    });

    it('AzureIdentity: Type and ClientID of camelCase and legacy objects', async () => {
      const rows = await table(ns.kubeConfig, 'AzureIdentity');
      const byName = Object.fromEntries(rows.map((r) => [r.Name, r]));
      expect(Object.keys(rows[0] ?? {})).toEqual(['Name', 'Type', 'ClientID', 'Age']);
      expect(byName['go-uai']).toMatchObject({ Type: null, ClientID: CLIENT_ID });
      expect(byName['go-zero']).toMatchObject({ Type: 0, ClientID: CLIENT_ID });
      expect(byName['legacy-uai']).toMatchObject({ Type: null, ClientID: LEGACY_CLIENT_ID });
      expect(byName['legacy-sp']).toMatchObject({ Type: 1, ClientID: LEGACY_CLIENT_ID });
    });

    it('AzureIdentityBinding: AzureIdentity and Selector of camelCase and legacy objects', async () => {
      const rows = await table(ns.kubeConfig, 'AzureIdentityBinding');
      expect(Object.keys(rows[0] ?? {})).toEqual(['Name', 'AzureIdentity', 'Selector', 'Age']);
      expect(rows.map((r) => [r.Name, r.AzureIdentity, r.Selector]).sort()).toEqual([
        ['go-binding', 'go-uai', 'demo'],
        ['legacy-binding', 'legacy-uai', 'old'],
      ]);
    });

    it('AzureAssignedIdentity: status, pod, namespace, node and identity', async () => {
      const rows = await table(ns.kubeConfig, 'AzureAssignedIdentity');
      expect(Object.keys(rows[0] ?? {})).toEqual([
        'Name',
        'Status',
        'Pod',
        'PodNamespace',
        'Node',
        'Identity',
        'Age',
      ]);
      expect(rows.find((r) => r.Name === 'p-ns-go-uai')).toMatchObject({
        Status: 'Assigned',
        Pod: 'p',
        PodNamespace: ns.name,
        Node: 'node-0',
        Identity: 'go-uai',
      });
    });

    it('AzurePodIdentityException: name and age', async () => {
      const rows = await table(ns.kubeConfig, 'AzurePodIdentityException');
      expect(Object.keys(rows[0] ?? {})).toEqual(['Name', 'Age']);
      expect(rows.map((r) => r.Name)).toEqual(['go-exception']);
    });

    it('kubectl get prints the ClientID of legacy objects', () => {
      const kubectl = kubectlPath();
      if (!kubectl)
        throw new Error(
          'no kubectl: set KUBECTL, or install /usr/bin/kubectl, or build the envtest binaries',
        );
      const out = execFileSync(
        kubectl,
        [
          '--kubeconfig',
          process.env[ENVTEST_KUBECONFIG] ?? '',
          'get',
          'azureidentities',
          '-n',
          ns.name,
          '--no-headers',
          '-o',
          'custom-columns=NAME:.metadata.name',
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(out.split('\n').filter(Boolean).sort()).toEqual([
        'go-uai',
        'go-zero',
        'legacy-sp',
        'legacy-uai',
      ]);
      const printed = execFileSync(
        kubectl,
        ['--kubeconfig', process.env[ENVTEST_KUBECONFIG] ?? '', 'get', 'azureidentities', '-n', ns.name],
        {
          encoding: 'utf8',
          timeout: 30_000,
        },
      );
      const [header, ...rows] = printed.trim().split('\n');
      expect(header.split(/\s+/)).toEqual(['NAME', 'TYPE', 'CLIENTID', 'AGE']);
      const cells = Object.fromEntries(rows.map((r) => r.split(/\s+/)).map((c) => [c[0], c.slice(1, -1)]));
      // An unset Type prints as an empty cell, so the row has one word less.
      expect(cells['legacy-uai']).toEqual([LEGACY_CLIENT_ID]);
      expect(cells['legacy-sp']).toEqual(['1', LEGACY_CLIENT_ID]);
      expect(cells['go-zero']).toEqual(['0', CLIENT_ID]);
    });
  });
});
