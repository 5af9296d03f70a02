// The Kubernetes side: CRDs, MIC's and NMI's ServiceAccounts under exactly the RBAC of deploy/base,
// kubeconfig files acting as them, Node objects, pods (with the status a kubelet would write), and the
// identity objects of the README example.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadAllYaml,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { API_VERSION, BINDING_LABEL, GROUP, IDENTITY_TYPES, PLURALS, VERSION } from '@pod-identity/crd-types';
import { installCrds, serviceAccountKubeConfig } from '@pod-identity/envtest';
import { REPO_ROOT } from './artifacts';

export const SYSTEM_NAMESPACE = 'pod-identity-system';
const RBAC_FILES = [
  'service-accounts.yaml',
  'mic-clusterrole.yaml',
  'nmi-clusterrole.yaml',
  'mic-leader-election-role.yaml',
  'bindings.yaml',
];
const CLUSTER_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);

export class Cluster {
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;

  constructor(readonly admin: KubeConfig) {
    this.core = admin.makeApiClient(CoreV1Api);
    this.custom = admin.makeApiClient(CustomObjectsApi);
  }

  /** CRDs, the system namespace, and deploy/base/rbac applied into it. */
  async install(): Promise<void> {
    await installCrds(this.admin);
    await this.createNamespace(SYSTEM_NAMESPACE);
    // No controller-manager: the default namespace has no default ServiceAccount either.
    await this.core.createNamespacedServiceAccount({
      namespace: 'default',
      body: { metadata: { name: 'default' } },
    });
    const api = KubernetesObjectApi.makeApiClient(this.admin);
    for (const file of RBAC_FILES) {
      const docs = loadAllYaml(
        readFileSync(join(REPO_ROOT, 'deploy', 'base', 'rbac', file), 'utf8'),
      ) as KubernetesObject[];
      for (const doc of docs) {
        const namespace = CLUSTER_KINDS.has(doc.kind ?? '') ? undefined : SYSTEM_NAMESPACE;
        await api.create({ ...doc, metadata: { ...doc.metadata, ...(namespace ? { namespace } : {}) } });
      }
    }
  }

  /** A namespace with its `default` ServiceAccount (no controller-manager creates it here). */
  async createNamespace(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name } } });
    await this.core.createNamespacedServiceAccount({
      namespace: name,
      body: { metadata: { name: 'default' } },
    });
  }

  async createServiceAccount(namespace: string, name: string): Promise<void> {
    await this.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  }

  /** Writes a kubeconfig acting as a ServiceAccount of the system namespace (token from TokenRequest). */
  async serviceAccountKubeconfig(
    name: 'pod-identity-mic' | 'pod-identity-nmi',
    path: string,
  ): Promise<string> {
    const kc = await serviceAccountKubeConfig(this.admin, SYSTEM_NAMESPACE, name);
    writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
    return path;
  }

  async createNode(name: string, providerID: string): Promise<void> {
    await this.core.createNode({
      body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { providerID } },
    });
  }

  /** A pod bound to `node` whose status says Running with `ip` (what the kubelet would report). */
  async createPod(
    namespace: string,
    name: string,
    node: string,
    ip: string,
    labels: Record<string, string>,
    serviceAccount?: string,
  ): Promise<void> {
    const pod = await this.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name, labels },
        spec: {
          nodeName: node,
          ...(serviceAccount ? { serviceAccountName: serviceAccount } : {}),
          containers: [{ name: 'app', image: 'mcr.microsoft.com/azure-cli:latest' }],
        },
      },
    });
    await this.core.replaceNamespacedPodStatus({
      namespace,
      name,
      body: { ...pod, status: { ...pod.status, phase: 'Running', podIP: ip, podIPs: [{ ip }] } },
    });
  }

  async createCustom(namespace: string, body: KubernetesObject): Promise<void> {
    const plural = PLURALS[body.kind as keyof typeof PLURALS];
    await this.custom.createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural,
      body,
    });
  }

  /** The AzureAssignedIdentities of a namespace (raw objects). */
  async assignedIdentities(namespace: string): Promise<AssignedIdentityView[]> {
    const list = (await this.custom.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURALS.AzureAssignedIdentity,
    })) as {
      items: RawAssigned[];
    };
    return list.items.map(viewOf);
  }
}

interface RawAssigned {
  metadata: { name: string };
  spec: {
    pod: string;
    podNamespace: string;
    nodename: string;
    azureIdentityRef?: { metadata?: { name?: string } };
  };
  status?: { status?: string };
}

export interface AssignedIdentityView {
  readonly name: string;
  readonly status?: string;
  readonly pod: string;
  readonly podNamespace: string;
  readonly node: string;
  readonly identity: string;
}

const viewOf = (i: RawAssigned): AssignedIdentityView => ({
  name: i.metadata.name,
  status: i.status?.status,
  pod: i.spec.pod,
  podNamespace: i.spec.podNamespace,
  node: i.spec.nodename,
  identity: i.spec.azureIdentityRef?.metadata?.name ?? '',
});

/** The README's example: an AzureIdentity (type 0 = user-assigned) and a binding with its selector. */
export function exampleManifests(
  name: string,
  resourceID: string,
  clientID: string,
  selector: string,
): KubernetesObject[] {
  return [
    {
      apiVersion: API_VERSION,
      kind: 'AzureIdentity',
      metadata: { name },
      spec: { type: IDENTITY_TYPES.UserAssignedMSI, resourceID, clientID },
    } as KubernetesObject,
    {
      apiVersion: API_VERSION,
      kind: 'AzureIdentityBinding',
      metadata: { name: `${name}-binding` },
      spec: { azureIdentity: name, selector },
    } as KubernetesObject,
  ];
}

export const bindingLabels = (selector: string): Record<string, string> => ({ [BINDING_LABEL]: selector });
