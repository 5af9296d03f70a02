// Integration helpers on the shared envtest control plane (its kubeconfig comes from the jest global
// setup through $ENVTEST_KUBECONFIG). Pods get 127.0.0.0/8 addresses on their status so that test
// clients can bind them as source addresses.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadAllYaml,
  RbacAuthorizationV1Api,
  type V1ClusterRole,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  type AzureAssignedIdentity,
  type AzureIdentity,
  type AzureIdentityBinding,
  GROUP,
  NODENAME_LABEL,
  PLURALS,
  VERSION,
} from '@pod-identity/crd-types';
import { serviceAccountKubeConfig } from '@pod-identity/envtest';

const ROOT = join(__dirname, '..', '..', '..', '..');

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => undefined);
}

/** The NMI ClusterRole of deploy/base (fallback: the permissions NMI needs, for as long as that file is missing). */
function nmiClusterRole(): V1ClusterRole {
  const file = join(ROOT, 'deploy', 'base', 'rbac', 'nmi-clusterrole.yaml');
  if (existsSync(file)) {
    const doc = (loadAllYaml(readFileSync(file, 'utf8')) as (V1ClusterRole & { kind?: string })[]).find(
      (d) => d.kind === 'ClusterRole',
    );
    if (doc) return doc;
  }
  return {
    metadata: { name: 'pod-identity-nmi' },
    rules: [
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: [GROUP], resources: Object.values(PLURALS), verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
    ],
  };
}

/** NMI's own ServiceAccount bound to the deploy/base ClusterRole; returns a KubeConfig acting as it. */
export async function nmiKubeConfig(kc: KubeConfig, namespace: string): Promise<KubeConfig> {
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const role = nmiClusterRole();
  const roleName = `${role.metadata?.name ?? 'pod-identity-nmi'}-${namespace}`;
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'pod-identity-nmi' } } });
  await rbac.createClusterRole({ body: { ...role, metadata: { name: roleName } } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: roleName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name: 'pod-identity-nmi', namespace }],
    },
  });
  return serviceAccountKubeConfig(kc, namespace, 'pod-identity-nmi');
}

export async function deleteClusterRbac(kc: KubeConfig, namespace: string): Promise<void> {
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const name = `${nmiClusterRole().metadata?.name ?? 'pod-identity-nmi'}-${namespace}`;
  await rbac.deleteClusterRoleBinding({ name }).catch(() => undefined);
  await rbac.deleteClusterRole({ name }).catch(() => undefined);
}

export interface PodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly labels?: Record<string, string>;
  readonly phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** spec.serviceAccountName (the ServiceAccount must exist for a federated token). */
  readonly serviceAccount?: string;
}

/** Creates a pod on `node` and sets its status (podIP, phase) through the status subresource. */
export async function createPod(kc: KubeConfig, spec: PodSpec): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const pod = await core.createNamespacedPod({
    namespace: spec.namespace,
    body: {
      metadata: { name: spec.name, labels: spec.labels ?? {} },
      spec: {
        nodeName: spec.node,
        containers: [{ name: 'app', image: 'example.invalid/app:1' }],
        ...(spec.serviceAccount ? { serviceAccountName: spec.serviceAccount } : {}),
      },
    },
  });
  return setPodStatus(kc, spec.namespace, spec.name, spec.ip, spec.phase ?? 'Running', pod);
}

export async function setPodStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  ip: string,
  phase: string,
  current?: V1Pod,
): Promise<V1Pod> {
  const core = kc.makeApiClient(CoreV1Api);
  const pod = current ?? (await core.readNamespacedPod({ namespace, name }));
  return core.replaceNamespacedPodStatus({
    namespace,
    name,
    body: { ...pod, status: { ...pod.status, phase, podIP: ip, podIPs: [{ ip }] } },
  });
}

export async function deletePod(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 })
    .catch(() => undefined);
}

function custom(kc: KubeConfig): CustomObjectsApi {
  return kc.makeApiClient(CustomObjectsApi);
}

export async function createIdentity(
  kc: KubeConfig,
  namespace: string,
  name: string,
  spec: AzureIdentity['spec'],
  annotations?: Record<string, string>,
): Promise<AzureIdentity> {
  return (await custom(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.AzureIdentity,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'AzureIdentity',
      metadata: { name, namespace, annotations },
      spec,
    },
  })) as AzureIdentity;
}

export async function createBinding(
  kc: KubeConfig,
  namespace: string,
  name: string,
  identity: string,
  selector: string,
): Promise<AzureIdentityBinding> {
  return (await custom(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.AzureIdentityBinding,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'AzureIdentityBinding',
      metadata: { name, namespace },
      spec: { azureIdentity: identity, selector },
    },
  })) as AzureIdentityBinding;
}

export interface AssignedSpec {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly pod: { readonly namespace: string; readonly name: string };
  readonly identity: AzureIdentity;
  readonly binding: AzureIdentityBinding;
  readonly status: 'Created' | 'Assigned';
  /** e.g. MIC's identity-backend annotation (docs/adr/0010). */
  readonly annotations?: Record<string, string>;
}

/** An AzureAssignedIdentity as MIC would write it (tests create them directly; no MIC runs). */
export async function createAssigned(kc: KubeConfig, spec: AssignedSpec): Promise<void> {
  const strip = <T extends { metadata?: object }>(o: T): T => ({
    ...o,
    metadata: { ...(o.metadata ?? {}), managedFields: undefined },
  });
  const body: AzureAssignedIdentity = {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'AzureAssignedIdentity',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: { [NODENAME_LABEL]: spec.node },
      annotations: spec.annotations,
    },
    spec: {
      azureIdentityRef: strip(spec.identity),
      azureBindingRef: strip(spec.binding),
      pod: spec.pod.name,
      podNamespace: spec.pod.namespace,
      nodename: spec.node,
    },
    status: { status: spec.status },
  };
  await custom(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: spec.namespace,
    plural: PLURALS.AzureAssignedIdentity,
    body,
  });
}

export async function setAssignedStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  status: 'Created' | 'Assigned',
): Promise<void> {
  const api = custom(kc);
  const current = (await api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.AzureAssignedIdentity,
    name,
  })) as AzureAssignedIdentity;
  await api.replaceNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.AzureAssignedIdentity,
    name,
    body: { ...current, status: { ...current.status, status } },
  });
}

export async function createException(
  kc: KubeConfig,
  namespace: string,
  name: string,
  podLabels: Record<string, string>,
): Promise<void> {
  await custom(kc).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: PLURALS.AzurePodIdentityException,
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'AzurePodIdentityException',
      metadata: { name, namespace },
      spec: { podLabels },
    },
  });
}

export async function createSecret(
  kc: KubeConfig,
  namespace: string,
  name: string,
  data: Record<string, Buffer>,
): Promise<void> {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')]));
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedSecret({ namespace, body: { metadata: { name }, data: encoded } });
}

export async function createServiceAccount(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
}
