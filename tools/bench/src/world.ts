// One benchmark world: a fresh envtest control plane (kube-apiserver + etcd) with the CRDs, and the Azure
// emulator with MIC's service principal allowed to assign the identities. Objects are created with the
// admin credentials, in bounded parallel batches. stop() ends everything it started. Pods go through
// KubeHttp (pooled keep-alive connections): client-node opens a new TLS connection per call, which made
// creating 2,000 pods take 40-70 s on the shared cores, so the bench measured its own pod creation, not MIC.
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { type AzureEmulator, type SeedDocument, startAzureEmulator } from '@pod-identity/azure-emulator';
import { GROUP, IDENTITY_TYPES } from '@pod-identity/crd-types';
import {
  type ControlPlane,
  installCrds,
  startControlPlane,
  trustServiceAccountIssuer,
} from '@pod-identity/envtest';
import { KubeHttp } from '@pod-identity/kube';
import { pool } from './net';
import { procStats } from './proc';

export const SUB = '00000000-0000-4000-8000-0000000000b1';
export const NODE_RG = 'mc_bench';
export const ID_RG = 'bench-identities';
export const MIC_CLIENT_ID = '55555555-5555-4555-8555-555555555555';
export const MIC_SECRET = 'bench-emulator-only-secret';
const CONCURRENCY = 24;
/** Pod creates and deletes in flight (a ReplicaSet controller's burst is of this order). */
const POD_CONCURRENCY = 32;

export interface Identity {
  readonly name: string;
  readonly clientId: string;
  readonly resourceId: string;
}

export function identity(name: string): Identity {
  return {
    name,
    clientId: randomUUID(),
    resourceId: `/subscriptions/${SUB}/resourceGroups/${ID_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

export function vmssId(name: string): string {
  return `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${name}`;
}

export interface ScaleSet {
  readonly name: string;
  readonly instances: number;
  readonly assigned?: readonly Identity[];
}

export function seedFor(identities: readonly Identity[], scaleSets: readonly ScaleSet[]): SeedDocument {
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
    userAssignedIdentities: identities.map((i) => ({
      subscription: SUB,
      resourceGroup: ID_RG,
      name: i.name,
      clientId: i.clientId,
    })),
    virtualMachineScaleSets: scaleSets.map((s) => ({
      subscription: SUB,
      resourceGroup: NODE_RG,
      name: s.name,
      instances: s.instances,
      identity: { userAssigned: (s.assigned ?? []).map((i) => i.resourceId) },
    })),
  };
}

export interface PodSpec {
  readonly name: string;
  readonly node: string;
  readonly selector: string;
  /** Set status Running with this podIP (NMI needs it; MIC does not). */
  readonly ip?: string;
  /** spec.serviceAccountName (the federated backend trusts it). */
  readonly serviceAccount?: string;
}

export class World {
  /** Keep-alive client for the bench's own requests (pods, status, watches). */
  readonly kubeHttp: KubeHttp;

  private constructor(
    readonly plane: ControlPlane,
    readonly emulator: AzureEmulator,
  ) {
    this.kubeHttp = new KubeHttp(plane.kubeConfig, { userAgent: 'pod-identity-bench' });
  }

  static async start(seed: SeedDocument): Promise<World> {
    const plane = await startControlPlane();
    try {
      await installCrds(plane.kubeConfig);
      const emulator = await startAzureEmulator({ seed, runtime: { pollRetryAfterSeconds: 0 } });
      return new World(plane, emulator);
    } catch (err) {
      await plane.stop();
      throw err;
    }
  }

  get kc(): KubeConfig {
    return this.plane.kubeConfig;
  }

  private get core(): CoreV1Api {
    return this.kc.makeApiClient(CoreV1Api);
  }

  private get custom(): CustomObjectsApi {
    return this.kc.makeApiClient(CustomObjectsApi);
  }

  async stop(): Promise<void> {
    this.kubeHttp.close();
    await this.emulator.stop().catch(() => undefined);
    await this.plane.stop();
  }

  async namespace(name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name } } });
    await this.core.createNamespacedServiceAccount({
      namespace: name,
      body: { metadata: { name: 'default' } },
    });
  }

  async nodes(scaleSets: readonly ScaleSet[]): Promise<string[]> {
    const names: string[] = [];
    for (const s of scaleSets) for (let i = 0; i < s.instances; i++) names.push(`${s.name}-${i}`);
    const core = this.core;
    await pool(names, CONCURRENCY, async (name) => {
      const cut = name.lastIndexOf('-');
      const providerID = `azure://${vmssId(name.slice(0, cut))}/virtualMachines/${name.slice(cut + 1)}`;
      await core.createNode({ body: { metadata: { name }, spec: { providerID } } });
    });
    return names;
  }

  /** AzureIdentity + AzureIdentityBinding (selector = identity name) per identity. */
  /** An AzureIdentity and a binding (selector = the identity's name) each; `backend` sets spec.backend. */
  async identities(
    namespace: string,
    identities: readonly Identity[],
    backend?: 'VM' | 'Federated',
  ): Promise<void> {
    const custom = this.custom;
    await pool(identities, CONCURRENCY, async (i) => {
      const body = (kind: string, spec: Record<string, unknown>, name: string): Record<string, unknown> => ({
        apiVersion: `${GROUP}/v1`,
        kind,
        metadata: { name },
        spec,
      });
      const spec = {
        type: IDENTITY_TYPES.UserAssignedMSI,
        resourceID: i.resourceId,
        clientID: i.clientId,
        ...(backend ? { backend } : {}),
      };
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace,
        plural: 'azureidentities',
        body: body('AzureIdentity', spec, i.name),
      });
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace,
        plural: 'azureidentitybindings',
        body: body('AzureIdentityBinding', { azureIdentity: i.name, selector: i.name }, `${i.name}-binding`),
      });
    });
  }

  /** Creates the pods, POD_CONCURRENCY at a time; returns how many API requests that took. */
  async pods(namespace: string, specs: readonly PodSpec[]): Promise<number> {
    const http = this.kubeHttp;
    const path = `/api/v1/namespaces/${namespace}/pods`;
    let requests = 0;
    await pool(specs, POD_CONCURRENCY, async (p) => {
      const spec = {
        nodeName: p.node,
        ...(p.serviceAccount ? { serviceAccountName: p.serviceAccount } : {}),
        containers: [{ name: 'app', image: 'example.invalid/app:1' }],
      };
      const body = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, labels: { aadpodidbinding: p.selector } },
        spec,
      };
      const pod = await http.request<Record<string, unknown>>({ method: 'POST', path, body });
      requests++;
      if (!p.ip) return;
      await http.request({
        method: 'PUT',
        path: `${path}/${p.name}/status`,
        body: { ...pod, status: { phase: 'Running', podIP: p.ip, podIPs: [{ ip: p.ip }] } },
      });
      requests++;
    });
    return requests;
  }

  /** A ServiceAccount (envtest runs no controller that would create "default"). */
  async serviceAccount(namespace: string, name: string): Promise<void> {
    await this.kubeHttp.request({
      method: 'POST',
      path: `/api/v1/namespaces/${namespace}/serviceaccounts`,
      body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
    });
  }

  /** Registers the API server's ServiceAccount issuer with the emulator's Entra ID; returns its URL. */
  async trustIssuer(): Promise<string> {
    return trustServiceAccountIssuer(this.plane.kubeConfig, this.emulator.control);
  }

  async deletePods(namespace: string, names: readonly string[]): Promise<void> {
    const http = this.kubeHttp;
    await pool(names, POD_CONCURRENCY, async (name) => {
      await http.request({
        method: 'DELETE',
        path: `/api/v1/namespaces/${namespace}/pods/${name}`,
        query: { gracePeriodSeconds: 0 },
      });
    });
  }

  /** AzureAssignedIdentities as MIC writes them (for the NMI cases, where no MIC runs). */
  async assigned(
    namespace: string,
    items: ReadonlyArray<{ pod: string; node: string; identity: Identity }>,
  ): Promise<void> {
    const custom = this.custom;
    await pool(items, CONCURRENCY, async (item) => {
      const ref = (kind: string, name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
        apiVersion: `${GROUP}/v1`,
        kind,
        metadata: { name, namespace },
        spec,
      });
      const body = {
        apiVersion: `${GROUP}/v1`,
        kind: 'AzureAssignedIdentity',
        metadata: {
          name: `${item.pod}-${namespace}-${item.identity.name}`.slice(0, 63),
          namespace,
          labels: { nodename: item.node },
        },
        spec: {
          azureIdentityRef: ref('AzureIdentity', item.identity.name, {
            type: IDENTITY_TYPES.UserAssignedMSI,
            resourceID: item.identity.resourceId,
            clientID: item.identity.clientId,
          }),
          azureBindingRef: ref('AzureIdentityBinding', `${item.identity.name}-binding`, {
            azureIdentity: item.identity.name,
            selector: item.identity.name,
          }),
          pod: item.pod,
          podNamespace: namespace,
          nodename: item.node,
        },
        status: { status: 'Assigned' },
      };
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace,
        plural: 'azureassignedidentities',
        body,
      });
    });
  }

  /** CPU seconds used so far by kube-apiserver and etcd (/proc). */
  controlPlaneCpuSeconds(): number {
    const { apiServer, etcd } = this.plane.pids();
    let seconds = 0;
    for (const pid of [apiServer, etcd]) if (pid) seconds += procStats(pid).cpuSeconds;
    return seconds;
  }

  /** Sum of apiserver_request_total on the API server's /metrics (admin token). */
  apiserverRequests(): Promise<number> {
    const url = new URL('/metrics', this.plane.server);
    return new Promise((resolve, reject) => {
      const req = https.get(
        url,
        {
          ca: this.plane.caPem,
          headers: { authorization: `Bearer ${this.plane.adminToken}` },
          timeout: 10_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            let sum = 0;
            for (const line of text.split('\n'))
              if (line.startsWith('apiserver_request_total{'))
                sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
            resolve(sum);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('metrics timeout')));
      req.on('error', reject);
    });
  }
}
