// Exports the state as a seed document: what GET /state returns, and what can be fed back as a seed.
import type { ComputeResource, FederatedCredential, NodeNetwork, ResourceIdentity } from './model';
import type { SeedDocument, SeedNode, SeedResourceIdentity } from './seed-types';
import type { EmulatorState } from './store';

function identityOf(identity: ResourceIdentity): SeedResourceIdentity {
  return {
    ...(identity.system ? { systemAssigned: identity.system.principalId } : {}),
    userAssigned: [...identity.user.values()].map((a) => a.id),
  };
}

function nodeOf(network: NodeNetwork): SeedNode {
  return { imds: network.imdsListen, addresses: network.addresses, privateIp: network.privateIp };
}

function fic(f: FederatedCredential): FederatedCredential {
  return { name: f.name, issuer: f.issuer, subject: f.subject, audiences: f.audiences };
}

function computeOf(resource: ComputeResource): Record<string, unknown> {
  const common = {
    subscription: resource.subscriptionId,
    resourceGroup: resource.resourceGroup,
    name: resource.name,
    location: resource.location,
    tags: resource.tags,
    identity: identityOf(resource.identity),
  };
  if (resource.kind === 'vm') {
    return {
      ...common,
      computerName: resource.computerName,
      vmId: resource.vmId,
      vmSize: resource.vmSize,
      zone: resource.zone,
      node: nodeOf(resource.network),
    };
  }
  return {
    ...common,
    sku: resource.skuName,
    orchestrationMode: resource.orchestrationMode,
    instances: [...resource.instances.values()].map((i) => ({
      instanceId: i.instanceId,
      computerName: i.computerName,
      vmId: i.vmId,
      zone: i.zone,
      node: nodeOf(i.network),
    })),
  };
}

/** Secrets are included: the snapshot is for tests on loopback, and re-seeding needs them. */
export function snapshotState(state: EmulatorState): SeedDocument {
  const compute = [...state.compute.values()];
  return {
    tenantId: state.defaultTenantId,
    tenants: [...state.tenants.values()].map((t) => ({ id: t.id, domains: t.domains })),
    subscriptions: [...state.subscriptions.values()].map((s) => ({
      id: s.id,
      tenantId: s.tenantId,
      resourceGroups: [...s.resourceGroups.values()],
    })),
    userAssignedIdentities: [...state.identities.values()].map((i) => ({
      subscription: i.subscriptionId,
      resourceGroup: i.resourceGroup,
      name: i.name,
      location: i.location,
      clientId: i.clientId,
      principalId: i.principalId,
      tags: i.tags,
      federatedCredentials: [...i.federatedCredentials.values()].map(fic),
    })),
    servicePrincipals: [...state.principals.values()].map((p) => ({
      clientId: p.appId,
      objectId: p.objectId,
      tenantId: p.tenantId,
      displayName: p.displayName,
      secrets: p.secrets,
      certificates: p.certificates,
      federatedCredentials: p.federatedCredentials.map(fic),
    })),
    roleAssignments: state.roleAssignments.map((ra) => ({
      principal: ra.principalId,
      role: ra.role,
      scope: ra.scope,
    })),
    virtualMachines: compute
      .filter((r) => r.kind === 'vm')
      .map(computeOf) as unknown as SeedDocument['virtualMachines'],
    virtualMachineScaleSets: compute
      .filter((r) => r.kind === 'vmss')
      .map(computeOf) as unknown as SeedDocument['virtualMachineScaleSets'],
    oidcIssuers: [...state.issuers.values()],
  };
}
