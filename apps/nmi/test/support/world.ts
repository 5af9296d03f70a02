// One test world: namespaces, NMI's ServiceAccount, a node, and the Azure emulator behind it. The node
// is instance 0 of a VM scale set; NMI talks to that instance's own IMDS listener, so it sees exactly
// the identities assigned to the scale set (assigned through the emulator's control API, as MIC would
// through ARM). A second VM holds identities that are NOT on our node. Everything it creates is
// removed by close().
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  type AzureEmulator,
  type SeedDocument,
  type SeedPrincipal,
  startAzureEmulator,
} from '@pod-identity/azure-emulator';
import type { AzureIdentity, AzureIdentityBinding } from '@pod-identity/crd-types';
import { createTestNamespace, envtestKubeConfig, installCrds } from '@pod-identity/envtest';
import {
  createAssigned,
  createBinding,
  createIdentity,
  createPod,
  deleteClusterRbac,
  deleteNamespace,
  nmiKubeConfig,
} from './cluster';
import { pollUntil } from '@pod-identity/platform';

export const SUBSCRIPTION = '00000000-0000-4000-8000-0000000000a1';
export const NODE_RG = 'mc_nmi_test';
export const ID_RG = 'identities';
/** A domain of the emulator's tenant: a second tenant segment for auxiliary-tenant requests. */
export const TENANT_ALIAS = 'aux-tenant.example';
const IMDS_TOKEN_OPERATION = 'imds:identity/oauth2/token';

let ipCounter = 10;
/** A fresh 127.0.x.y address per pod (bindable on loopback without root). */
export function nextPodIp(): string {
  ipCounter++;
  return `127.0.${Math.floor(ipCounter / 250) + 1}.${(ipCounter % 250) + 2}`;
}

export function suffix(): string {
  return randomBytes(3).toString('hex');
}

export interface Uami {
  readonly name: string;
  readonly clientId: string;
  readonly objectId: string;
  readonly resourceId: string;
}

export function uamiFor(name: string): Uami {
  return {
    name,
    clientId: randomUUID(),
    objectId: randomUUID(),
    resourceId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${ID_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

export class World {
  readonly admin: KubeConfig = envtestKubeConfig();
  readonly id = suffix();
  readonly node = `node-${this.id}`;
  readonly system = `nmi-sys-${this.id}`;
  readonly namespaces: string[] = [];
  /** Every identity created in the emulator, by client id. */
  readonly identities = new Map<string, Uami>();
  readonly scaleSet = `aks-nmi${this.id}-vmss`;
  readonly otherVm = `other-vm-${this.id}`;
  readonly tenant = randomUUID();
  nmiKc!: KubeConfig;
  emulator!: AzureEmulator;
  private readonly stateDir = mkdtempSync(join(tmpdir(), 'nmi-emulator-'));
  private readonly onNode: string[] = [];
  private readonly onOtherVm: string[] = [];

  async open(extraNamespaces: string[]): Promise<void> {
    this.emulator = await startAzureEmulator({ seed: this.baseSeed(), stateDir: this.stateDir });
    await installCrds(this.admin);
    await createTestNamespace(this.admin, this.system);
    for (const ns of extraNamespaces) {
      await createTestNamespace(this.admin, ns);
      this.namespaces.push(ns);
    }
    this.nmiKc = await nmiKubeConfig(this.admin, this.system);
  }

  async close(): Promise<void> {
    await this.emulator?.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
    await deleteClusterRbac(this.admin, this.system);
    for (const ns of [...this.namespaces, this.system]) await deleteNamespace(this.admin, ns);
  }

  /** Our node's own IMDS (what NMI's --metadata-ip/--metadata-port point at). */
  get imdsUrl(): string {
    return this.emulator.imdsUrl(`${this.scaleSet}_0`);
  }

  get imdsPort(): number {
    return Number(new URL(this.imdsUrl).port);
  }

  get authorityHost(): string {
    return this.emulator.urls.authorityHost;
  }

  /** A user-assigned identity in the emulator, assigned to our scale set, to another VM, or to nothing. */
  async createUami(name: string, where: 'node' | 'other-vm' | 'nowhere' = 'node'): Promise<Uami> {
    const uami = uamiFor(name);
    this.identities.set(uami.clientId, uami);
    const doc: SeedDocument = {
      userAssignedIdentities: [
        {
          subscription: SUBSCRIPTION,
          resourceGroup: ID_RG,
          name,
          clientId: uami.clientId,
          principalId: uami.objectId,
        },
      ],
    };
    await this.emulator.control.seed(doc);
    if (where === 'node') await this.assignToNode(uami);
    if (where === 'other-vm') {
      this.onOtherVm.push(uami.resourceId);
      await this.emulator.control.seed({ virtualMachines: [this.otherVmSeed()] });
    }
    return uami;
  }

  /** Assigns the identity to our scale set (the control API's seed replaces the scale set record). */
  async assignToNode(uami: Uami): Promise<void> {
    this.onNode.push(uami.resourceId);
    await this.emulator.control.seed({ virtualMachineScaleSets: [this.scaleSetSeed()] });
  }

  /** A service principal (types 1 and 2) in the emulator's tenant. */
  async servicePrincipal(credential: Pick<SeedPrincipal, 'secret' | 'certificatePem'>): Promise<string> {
    const clientId = randomUUID();
    await this.emulator.control.seed({
      servicePrincipals: [{ clientId, displayName: `sp-${clientId.slice(0, 8)}`, ...credential }],
    });
    return clientId;
  }

  /** AzureIdentity (type 0) + binding in `ns`; the identity is assigned to this node's scale set unless told otherwise. */
  async uami(
    ns: string,
    name: string,
    selector: string,
    assignOnVm = true,
  ): Promise<{ identity: AzureIdentity; binding: AzureIdentityBinding; uami: Uami }> {
    const uami = await this.createUami(name, assignOnVm ? 'node' : 'nowhere');
    const identity = await createIdentity(this.admin, ns, name, {
      type: 0,
      clientID: uami.clientId,
      resourceID: uami.resourceId,
    });
    const binding = await createBinding(this.admin, ns, `${name}-binding`, name, selector);
    return { identity, binding, uami };
  }

  /**
   * A federated AzureIdentity (spec.backend Federated) + binding in `ns`, for a user-assigned identity
   * that is on no VM and has a federated credential per subject at `issuer` (docs/adr/0010).
   */
  async federatedUami(
    ns: string,
    name: string,
    selector: string,
    credentials: { readonly issuer: string; readonly subjects: readonly string[] },
    spec: Partial<AzureIdentity['spec']> = {},
  ): Promise<{ identity: AzureIdentity; binding: AzureIdentityBinding; uami: Uami }> {
    const uami = uamiFor(name);
    this.identities.set(uami.clientId, uami);
    const federatedCredentials = credentials.subjects.map((subject, i) => ({
      name: `fic-${i}`,
      issuer: credentials.issuer,
      subject,
    }));
    await this.emulator.control.seed({
      userAssignedIdentities: [
        {
          subscription: SUBSCRIPTION,
          resourceGroup: ID_RG,
          name,
          clientId: uami.clientId,
          principalId: uami.objectId,
          federatedCredentials,
        },
      ],
    });
    const identity = await createIdentity(this.admin, ns, name, {
      type: 0,
      clientID: uami.clientId,
      resourceID: uami.resourceId,
      backend: 'Federated',
      ...spec,
    });
    const binding = await createBinding(this.admin, ns, `${name}-binding`, name, selector);
    return { identity, binding, uami };
  }

  /** A running pod on this node with a fresh IP; returns its IP. */
  async pod(
    ns: string,
    name: string,
    labels: Record<string, string> = {},
    node = this.node,
    serviceAccount?: string,
  ): Promise<string> {
    const ip = nextPodIp();
    await createPod(this.admin, { namespace: ns, name, node, ip, labels, serviceAccount });
    return ip;
  }

  /** What MIC would write for pod ↔ identity on this node. */
  async assign(
    pod: { namespace: string; name: string },
    identity: AzureIdentity,
    binding: AzureIdentityBinding,
    status: 'Created' | 'Assigned' = 'Assigned',
    namespace = pod.namespace,
    annotations?: Record<string, string>,
  ): Promise<string> {
    const name = `${pod.name}-${pod.namespace}-${identity.metadata?.name}`.slice(0, 63);
    await createAssigned(this.admin, {
      namespace,
      name,
      node: this.node,
      pod,
      identity,
      binding,
      status,
      annotations,
    });
    return name;
  }

  /** IMDS token requests the emulator has received (from any caller). */
  async imdsTokenRequests(): Promise<number> {
    return (await this.emulator.control.counters()).requests[IMDS_TOKEN_OPERATION] ?? 0;
  }

  /** Every request the emulator's IMDS has received. */
  async imdsRequests(): Promise<number> {
    const { requests } = await this.emulator.control.counters();
    return Object.entries(requests)
      .filter(([op]) => op.startsWith('imds:'))
      .reduce((sum, [, n]) => sum + n, 0);
  }

  /** Runs `body` while the emulator's IMDS drops every connection. */
  async imdsOutage(body: () => Promise<void>): Promise<void> {
    const rule = await this.emulator.control.addFault({
      match: { service: 'imds' },
      action: { type: 'drop' },
    });
    try {
      await body();
    } finally {
      await this.emulator.control.removeFault(rule.id);
    }
  }

  private baseSeed(): SeedDocument {
    return {
      tenantId: this.tenant,
      tenants: [{ id: this.tenant, domains: [TENANT_ALIAS] }],
      subscriptions: [
        { id: SUBSCRIPTION, tenantId: this.tenant, resourceGroups: [{ name: NODE_RG }, { name: ID_RG }] },
      ],
      virtualMachineScaleSets: [this.scaleSetSeed()],
      virtualMachines: [this.otherVmSeed()],
    };
  }

  private scaleSetSeed(): NonNullable<SeedDocument['virtualMachineScaleSets']>[number] {
    return {
      subscription: SUBSCRIPTION,
      resourceGroup: NODE_RG,
      name: this.scaleSet,
      identity: { userAssigned: [...this.onNode] },
      instances: [{ instanceId: '0', vmId: `00000000-0000-4000-8000-${this.id.padStart(12, '0')}` }],
    };
  }

  private otherVmSeed(): NonNullable<SeedDocument['virtualMachines']>[number] {
    return {
      subscription: SUBSCRIPTION,
      resourceGroup: NODE_RG,
      name: this.otherVm,
      identity: { userAssigned: [...this.onOtherVm] },
    };
  }
}

/** Polls `check` until it returns true (bounded). */
export async function eventually(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 15_000,
): Promise<void> {
  await pollUntil(what, check, { timeoutMs });
}
