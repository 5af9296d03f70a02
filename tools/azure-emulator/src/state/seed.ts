// Applies a seed document to the state: creates or replaces the described records.
import { randomUUID } from 'node:crypto';
import { idKey, type ResourceRef, resourceId, UAMI_TYPE, VM_TYPE, VMSS_TYPE } from './arm-id';
import type {
  FederatedCredential,
  NodeNetwork,
  ResourceIdentity,
  ScaleSetInstance,
  VirtualMachine,
  VirtualMachineScaleSet,
} from './model';
import { checkSeed, SeedError } from './seed-check';
import type {
  SeedDocument,
  SeedFederatedCredential,
  SeedIdentity,
  SeedNode,
  SeedPrincipal,
  SeedResourceIdentity,
  SeedScaleSet,
  SeedScaleSetInstance,
  SeedVirtualMachine,
} from './seed-types';
import type { EmulatorState } from './store';

export interface SeedContext {
  /** IMDS listen address for nodes that do not name one (null = shared listener only). */
  readonly defaultImdsListen: string | null;
  readonly defaultLocation: string;
  readonly now: number;
}

/** Validates and applies `doc`; nodes-changed listeners fire once at the end. */
export function applySeed(state: EmulatorState, doc: unknown, ctx: SeedContext): void {
  const seed = checkSeed(doc);
  applyDirectory(state, seed, ctx);
  const counter = { next: state.nodes().length + 4 };
  for (const vm of seed.virtualMachines ?? []) addVm(state, vm, ctx, counter);
  for (const vmss of seed.virtualMachineScaleSets ?? []) addScaleSet(state, vmss, ctx, counter);
  state.notifyNodesChanged();
}

const each = <T>(list: T[] | undefined): T[] => list ?? [];

/** Tenants, subscriptions, identities, principals, role assignments and issuers. */
function applyDirectory(state: EmulatorState, seed: SeedDocument, ctx: SeedContext): void {
  for (const t of each(seed.tenants))
    state.tenants.set(t.id.toLowerCase(), { id: t.id, domains: each(t.domains) });
  for (const s of each(seed.subscriptions)) addSubscription(state, s, ctx);
  for (const i of each(seed.userAssignedIdentities)) addIdentity(state, i, ctx);
  for (const p of each(seed.servicePrincipals)) addPrincipal(state, p);
  for (const ra of each(seed.roleAssignments)) {
    state.roleAssignments.push({
      principalId: state.principalObjectId(ra.principal),
      role: ra.role ?? 'Managed Identity Operator',
      scope: ra.scope,
    });
  }
  for (const issuer of each(seed.oidcIssuers)) state.issuers.set(issuer.issuer, issuer);
}

function addSubscription(
  state: EmulatorState,
  s: NonNullable<SeedDocument['subscriptions']>[number],
  ctx: SeedContext,
): void {
  const existing = state.subscription(s.id);
  state.subscriptions.set(s.id.toLowerCase(), {
    id: s.id,
    tenantId: s.tenantId ?? state.defaultTenantId,
    resourceGroups: existing?.resourceGroups ?? new Map(),
  });
  for (const g of s.resourceGroups ?? [])
    state.ensureResourceGroup(s.id, g.name, g.location ?? ctx.defaultLocation);
}

function refOf(seed: { subscription: string; resourceGroup: string; name: string }): ResourceRef {
  return { subscriptionId: seed.subscription, resourceGroup: seed.resourceGroup, name: seed.name };
}

function ficFrom(seed: SeedFederatedCredential): FederatedCredential {
  return {
    name: seed.name,
    issuer: seed.issuer,
    subject: seed.subject,
    audiences: seed.audiences ?? ['api://AzureADTokenExchange'],
  };
}

function addIdentity(state: EmulatorState, seed: SeedIdentity, ctx: SeedContext): void {
  const group = state.ensureResourceGroup(
    seed.subscription,
    seed.resourceGroup,
    seed.location ?? ctx.defaultLocation,
  );
  const id = resourceId(refOf(seed), UAMI_TYPE);
  state.identities.set(idKey(id), {
    id,
    subscriptionId: seed.subscription,
    resourceGroup: seed.resourceGroup,
    name: seed.name,
    location: seed.location ?? group.location,
    tags: seed.tags ?? {},
    tenantId: state.tenantOfSubscription(seed.subscription),
    clientId: seed.clientId ?? randomUUID(),
    principalId: seed.principalId ?? randomUUID(),
    federatedCredentials: new Map(
      (seed.federatedCredentials ?? []).map((f) => [f.name.toLowerCase(), ficFrom(f)] as const),
    ),
  });
}

function addPrincipal(state: EmulatorState, seed: SeedPrincipal): void {
  state.principals.set(seed.clientId.toLowerCase(), {
    appId: seed.clientId,
    objectId: seed.objectId ?? randomUUID(),
    tenantId: seed.tenantId ?? state.defaultTenantId,
    displayName: seed.displayName ?? seed.clientId,
    secrets: [...(seed.secret ? [seed.secret] : []), ...(seed.secrets ?? [])],
    certificates: [...(seed.certificatePem ? [seed.certificatePem] : []), ...(seed.certificates ?? [])],
    federatedCredentials: (seed.federatedCredentials ?? []).map(ficFrom),
  });
}

function identityFrom(
  state: EmulatorState,
  seed: SeedResourceIdentity | undefined,
  owner: string,
  ctx: SeedContext,
): ResourceIdentity {
  const identity: ResourceIdentity = { user: new Map() };
  if (seed?.systemAssigned) {
    const principalId = typeof seed.systemAssigned === 'string' ? seed.systemAssigned : randomUUID();
    identity.system = {
      principalId,
      clientId: randomUUID(),
      tenantId: state.defaultTenantId,
      assignedAt: ctx.now,
    };
  }
  for (const ref of seed?.userAssigned ?? []) {
    const uami = state.resolveIdentityRef(ref);
    if (!uami) throw new SeedError([`${owner}: user-assigned identity "${ref}" is not seeded`]);
    identity.user.set(idKey(uami.id), { id: uami.id, assignedAt: ctx.now });
  }
  return identity;
}

function networkFrom(seed: SeedNode | undefined, ctx: SeedContext, counter: { next: number }): NodeNetwork {
  const n = counter.next++;
  return {
    imdsListen: seed?.imds === undefined ? ctx.defaultImdsListen : seed.imds,
    addresses: seed?.addresses ?? [],
    privateIp: seed?.privateIp ?? `10.224.${Math.floor(n / 250)}.${(n % 250) + 4}`,
  };
}

function addVm(
  state: EmulatorState,
  seed: SeedVirtualMachine,
  ctx: SeedContext,
  counter: { next: number },
): void {
  const group = state.ensureResourceGroup(
    seed.subscription,
    seed.resourceGroup,
    seed.location ?? ctx.defaultLocation,
  );
  const id = resourceId(refOf(seed), VM_TYPE);
  const vm: VirtualMachine = {
    kind: 'vm',
    id,
    subscriptionId: seed.subscription,
    resourceGroup: seed.resourceGroup,
    name: seed.name,
    location: seed.location ?? group.location,
    tags: seed.tags ?? {},
    identity: identityFrom(state, seed.identity, id, ctx),
    etag: 1,
    deleting: false,
    vmId: seed.vmId ?? randomUUID(),
    computerName: seed.computerName ?? seed.name,
    vmSize: seed.vmSize ?? 'Standard_D2s_v3',
    zone: seed.zone ?? '',
    network: networkFrom(seed.node, ctx, counter),
  };
  state.compute.set(idKey(id), vm);
}

/** AKS computer names: `<vmss><instance id in base 36, 6 digits>`. */
export function scaleSetComputerName(vmssName: string, instanceId: string): string {
  const n = Number(instanceId);
  const suffix = Number.isInteger(n) ? n.toString(36).padStart(6, '0') : instanceId;
  return `${vmssName}${suffix}`;
}

function addScaleSet(
  state: EmulatorState,
  seed: SeedScaleSet,
  ctx: SeedContext,
  counter: { next: number },
): void {
  const group = state.ensureResourceGroup(
    seed.subscription,
    seed.resourceGroup,
    seed.location ?? ctx.defaultLocation,
  );
  const id = resourceId(refOf(seed), VMSS_TYPE);
  const list: SeedScaleSetInstance[] =
    typeof seed.instances === 'number'
      ? Array.from({ length: seed.instances }, (_, i) => ({ instanceId: String(i) }))
      : (seed.instances ?? []);
  const instances = new Map<string, ScaleSetInstance>();
  for (const inst of list) {
    instances.set(inst.instanceId, {
      instanceId: inst.instanceId,
      computerName: inst.computerName ?? scaleSetComputerName(seed.name, inst.instanceId),
      vmId: inst.vmId ?? randomUUID(),
      zone: inst.zone ?? '',
      network: networkFrom(inst.node, ctx, counter),
    });
  }
  const vmss: VirtualMachineScaleSet = {
    kind: 'vmss',
    id,
    subscriptionId: seed.subscription,
    resourceGroup: seed.resourceGroup,
    name: seed.name,
    location: seed.location ?? group.location,
    tags: seed.tags ?? {},
    identity: identityFrom(state, seed.identity, id, ctx),
    etag: 1,
    deleting: false,
    skuName: seed.sku ?? 'Standard_D2s_v3',
    capacity: instances.size,
    orchestrationMode: seed.orchestrationMode ?? 'Uniform',
    instances,
  };
  state.compute.set(idKey(id), vmss);
}
