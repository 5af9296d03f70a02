// Integration harness: the real apiserver (envtest), the Azure emulator over https, and MIC in-process
// acting as its own ServiceAccount with the ClusterRole and Role from deploy/base/rbac.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  RbacAuthorizationV1Api,
  type V1Pod,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

import { startAzureEmulator, type AzureEmulator, type SeedDocument } from '@pod-identity/azure-emulator';
import { createLogger, KLOG_FLAGS, parseFlags, pollUntil, type Logger } from '@pod-identity/platform';

import { serviceAccountKubeConfig } from '@pod-identity/envtest';
import { startMic, type MicHandle } from '../src/app';
import { buildConfig } from '../src/config/config';
import { MIC_FLAGS } from '../src/config/flags';

export const SUB = '00000000-0000-0000-0000-0000000000aa';
export const NODE_RG = 'MC_rg_cluster';
export const ID_RG = 'identities';
export const MIC_CLIENT_ID = '44444444-4444-4444-4444-444444444444';
const MIC_SECRET = 'emulator-only-secret';
/** Exported so tests can check it never reaches a log line. */
export const MIC_SECRET_FOR_TESTS = MIC_SECRET;
const RBAC_DIR = resolve(__dirname, '..', '..', '..', 'deploy', 'base', 'rbac');

export const GROUP = 'aadpodidentity.k8s.io';

/** A deterministic client id (GUID) for a test identity name. */
export function clientIdOf(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `${hex}-0000-4000-8000-${hex}0000`;
}

/** A seeded identity in the identity resource group with its deterministic client id. */
export function seedIdentity(
  name: string,
  resourceGroup = ID_RG,
): { subscription: string; resourceGroup: string; name: string; clientId: string } {
  return { subscription: SUB, resourceGroup, name, clientId: clientIdOf(name) };
}

/** AzureIdentity spec for a seeded identity. */
export function uaiSpec(name: string): Record<string, unknown> {
  return { type: 0, resourceID: identityId(name), clientID: clientIdOf(name) };
}

export function identityId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${ID_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export function vmssId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
}

export function vmId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

/** A world with MIC's service principal allowed to assign every identity of the identity group. */
export function baseSeed(extra: Partial<SeedDocument> = {}): SeedDocument {
  return {
    subscriptions: [{ id: SUB, resourceGroups: [{ name: NODE_RG }, { name: ID_RG }] }],
    servicePrincipals: [{ clientId: MIC_CLIENT_ID, displayName: 'mic', secret: MIC_SECRET }],
    roleAssignments: [
      {
        principal: MIC_CLIENT_ID,
        role: 'Managed Identity Operator',
        scope: `/subscriptions/${SUB}/resourceGroups/${ID_RG}`,
      },
      {
        principal: MIC_CLIENT_ID,
        role: 'Virtual Machine Contributor',
        scope: `/subscriptions/${SUB}/resourceGroups/${NODE_RG}`,
      },
    ],
    ...extra,
  };
}

export interface MicEnvironment {
  readonly admin: KubeConfig;
  readonly namespace: string;
  readonly emulator: AzureEmulator;
  readonly micKubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly custom: CustomObjectsApi;
  readonly dir: string;
  readonly clusterRoleName: string;
  /** Nodes created through createNode (deleted at teardown). */
  readonly nodes: string[];
}

/** RBAC objects of deploy/base/rbac, renamed for this test and bound to the namespace's MIC ServiceAccount. */
async function applyRbac(admin: KubeConfig, namespace: string, suffix: string): Promise<string> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'pod-identity-mic' } } });
  const clusterRole = parseAllDocuments(
    readFileSync(join(RBAC_DIR, 'mic-clusterrole.yaml'), 'utf8'),
  )[0]!.toJS();
  const name = `pod-identity-mic-${suffix}`;
  await rbac.createClusterRole({ body: { ...clusterRole, metadata: { name } } });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: 'pod-identity-mic', namespace }],
    },
  });
  const docs = parseAllDocuments(readFileSync(join(RBAC_DIR, 'mic-leader-election-role.yaml'), 'utf8')).map(
    (d) => d.toJS(),
  );
  const role = docs.find((d) => d.kind === 'Role');
  const binding = docs.find((d) => d.kind === 'RoleBinding');
  await rbac.createNamespacedRole({
    namespace,
    body: { ...role, metadata: { ...role.metadata, namespace } },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      ...binding,
      metadata: { ...binding.metadata, namespace },
      subjects: [{ kind: 'ServiceAccount', name: 'pod-identity-mic', namespace }],
    },
  });
  return name;
}

export async function setupEnvironment(
  admin: KubeConfig,
  namespace: string,
  seed: SeedDocument,
): Promise<MicEnvironment> {
  const suffix = namespace.slice(-6);
  const clusterRoleName = await applyRbac(admin, namespace, suffix);
  const emulator = await startAzureEmulator({ seed, runtime: { pollRetryAfterSeconds: 0 } });
  const micKubeConfig = await serviceAccountKubeConfig(admin, namespace, 'pod-identity-mic');
  const dir = mkdtempSync(join(tmpdir(), 'mic-int-'));
  return {
    admin,
    namespace,
    emulator,
    micKubeConfig,
    core: admin.makeApiClient(CoreV1Api),
    custom: admin.makeApiClient(CustomObjectsApi),
    dir,
    clusterRoleName,
    nodes: [],
  };
}

/**
 * Removes what a test file left in the shared control plane, so that MICs of later files do not act on
 * it: pods, assigned identities (finalizers first) and nodes. No controller-manager runs here, so
 * deleting the namespace alone would leave them.
 */
async function removeLeftovers(env: MicEnvironment, namespaces: readonly string[]): Promise<void> {
  for (const namespace of namespaces) {
    await env.core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
    const list = (await env.custom
      .listNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace,
        plural: 'azureassignedidentities',
      })
      .catch(() => ({ items: [] }))) as { items: Array<{ metadata: { name: string } }> };
    for (const item of list.items) {
      const target = {
        group: GROUP,
        version: 'v1',
        namespace,
        plural: 'azureassignedidentities',
        name: item.metadata.name,
      };
      await env.custom
        .patchNamespacedCustomObject({ ...target, body: [{ op: 'remove', path: '/metadata/finalizers' }] })
        .catch(() => undefined);
      await env.custom.deleteNamespacedCustomObject(target).catch(() => undefined);
    }
  }
  for (const name of env.nodes) await env.core.deleteNode({ name }).catch(() => undefined);
}

/** Call after every MIC of the file has stopped. */
export async function teardownEnvironment(
  env: MicEnvironment | undefined,
  extraNamespaces: readonly string[] = [],
): Promise<void> {
  if (!env) return;
  await removeLeftovers(env, [env.namespace, ...extraNamespaces]);
  await env.emulator.stop();
  const rbac = env.admin.makeApiClient(RbacAuthorizationV1Api);
  await rbac.deleteClusterRoleBinding({ name: env.clusterRoleName }).catch(() => undefined);
  await rbac.deleteClusterRole({ name: env.clusterRoleName }).catch(() => undefined);
  rmSync(env.dir, { recursive: true, force: true });
}

export interface StartOptions {
  readonly instance?: string;
  readonly flags?: readonly string[];
  readonly logger?: Logger;
  /** Replaces the ServiceAccount's KubeConfig (e.g. one that goes through a counting proxy). */
  readonly kubeConfig?: KubeConfig;
}

/** Starts MIC as the namespace's pod-identity-mic ServiceAccount against the emulator. */
export async function startMicFor(env: MicEnvironment, options: StartOptions = {}): Promise<MicHandle> {
  const azureJson = join(env.dir, `azure-${options.instance ?? 'mic'}.json`);
  writeFileSync(
    azureJson,
    JSON.stringify({
      cloud: 'AzureStackCloud',
      tenantId: env.emulator.tenantId,
      subscriptionId: SUB,
      resourceGroup: NODE_RG,
      aadClientId: MIC_CLIENT_ID,
      aadClientSecret: MIC_SECRET,
      vmType: 'vmss',
    }),
  );
  const argv = [
    `--pod-namespace=${env.namespace}`,
    `--cloudconfig=${azureJson}`,
    `--leader-election-instance=${options.instance ?? 'mic-0'}`,
    '--leader-election-duration=3s',
    '--http-probe-port=0',
    '--prometheus-port=0',
    '--bind-address=127.0.0.1',
    '--arm-poll-interval=20ms',
    '--update-user-msi-retry-interval=200ms',
    '--shutdown-grace=5s',
    ...(options.flags ?? []),
  ];
  const env2 = { AZURE_ENVIRONMENT_FILEPATH: env.emulator.cloudEnvironmentPath };
  const parsed = parseFlags(MIC_FLAGS, { argv, env: env2, ignore: KLOG_FLAGS });
  const config = buildConfig({
    values: parsed.values,
    env: env2,
    readFile: (p) => readFileSync(p, 'utf8'),
    hostname: 'test',
  });
  const logger =
    options.logger ??
    createLogger({ name: 'mic', level: (process.env.MIC_TEST_LOG_LEVEL as 'info') ?? 'silent' });
  return startMic({
    config,
    kubeConfig: options.kubeConfig ?? env.micKubeConfig,
    logger,
    version: 'test',
    caPem: env.emulator.ca.pem,
  });
}

// ---- Kubernetes objects ----

export async function createNode(env: MicEnvironment, name: string, providerID: string): Promise<void> {
  await env.core.createNode({ body: { metadata: { name }, spec: { providerID } } });
  env.nodes.push(name);
}

export async function createIdentity(
  env: MicEnvironment,
  name: string,
  spec: Record<string, unknown>,
  namespace = env.namespace,
): Promise<void> {
  await env.custom.createNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace,
    plural: 'azureidentities',
    body: { apiVersion: `${GROUP}/v1`, kind: 'AzureIdentity', metadata: { name }, spec },
  });
}

export async function createBinding(
  env: MicEnvironment,
  name: string,
  spec: Record<string, unknown>,
  namespace = env.namespace,
): Promise<void> {
  await env.custom.createNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace,
    plural: 'azureidentitybindings',
    body: { apiVersion: `${GROUP}/v1`, kind: 'AzureIdentityBinding', metadata: { name }, spec },
  });
}

export async function createPod(
  env: MicEnvironment,
  name: string,
  node: string | undefined,
  selector: string,
  serviceAccount?: string,
  namespace = env.namespace,
): Promise<V1Pod> {
  return env.core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels: { aadpodidbinding: selector } },
      spec: {
        ...(node ? { nodeName: node } : {}),
        ...(serviceAccount ? { serviceAccountName: serviceAccount } : {}),
        containers: [{ name: 'app', image: 'example.invalid/app:1' }],
      },
    },
  });
}

export async function deletePod(env: MicEnvironment, name: string): Promise<void> {
  await env.core.deleteNamespacedPod({ namespace: env.namespace, name, gracePeriodSeconds: 0 });
}

export interface AssignedView {
  readonly name: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
  readonly pod: string;
  readonly identity: string;
  readonly node: string;
}

export async function listAssigned(env: MicEnvironment, namespace = env.namespace): Promise<AssignedView[]> {
  const list = (await env.custom.listNamespacedCustomObject({
    group: GROUP,
    version: 'v1',
    namespace,
    plural: 'azureassignedidentities',
  })) as {
    items: Array<{
      metadata: { name: string };
      spec: { pod: string; nodename: string; azureIdentityRef?: { metadata?: { name?: string } } };
      status?: { status?: string; reason?: string; message?: string };
    }>;
  };
  return list.items.map((i) => ({
    name: i.metadata.name,
    status: i.status?.status,
    reason: i.status?.reason,
    message: i.status?.message,
    pod: i.spec.pod,
    identity: i.spec.azureIdentityRef?.metadata?.name ?? '',
    node: i.spec.nodename,
  }));
}

/** User-assigned identity ids (lower case) on a VM/VMSS, from the emulator's state. */
export function identitiesOn(env: MicEnvironment, resourceId: string): string[] {
  const resource = env.emulator.state.computeResource(resourceId);
  if (!resource) throw new Error(`no compute resource ${resourceId}`);
  return [...resource.identity.user.values()].map((u) => u.id.toLowerCase()).sort();
}

/** Accepted writes (PUT/PATCH) to a resource so far. */
export async function writesTo(env: MicEnvironment, resourceId: string): Promise<number> {
  const counters = await env.emulator.control.counters();
  return counters.writes[resourceId.toLowerCase()] ?? 0;
}

/** Polls `check` every 50 ms until it returns true; fails after timeoutMs naming `what` (platform's pollUntil). */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
): Promise<void> {
  await pollUntil(what, check, { timeoutMs });
}
