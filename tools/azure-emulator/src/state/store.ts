// The in-memory state behind every endpoint. Lookups are case-insensitive where Azure's are.
import { idKey, isWithinScope, resourceGroupId } from './arm-id';
import type {
  ComputeResource,
  OidcIssuer,
  ResourceGroup,
  RoleAssignment,
  ServicePrincipal,
  SimNode,
  Subscription,
  Tenant,
  UserAssignedIdentity,
  VirtualMachineScaleSet,
} from './model';

/** Roles that carry Microsoft.ManagedIdentity/userAssignedIdentities/assign/action. */
const ASSIGN_ROLES = new Set(['managed identity operator', 'contributor', 'owner']);

export class EmulatorState {
  readonly tenants = new Map<string, Tenant>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly identities = new Map<string, UserAssignedIdentity>();
  readonly principals = new Map<string, ServicePrincipal>();
  readonly compute = new Map<string, ComputeResource>();
  readonly issuers = new Map<string, OidcIssuer>();
  roleAssignments: RoleAssignment[] = [];
  private readonly nodeListeners = new Set<() => void>();

  constructor(readonly defaultTenantId: string) {
    this.tenants.set(defaultTenantId.toLowerCase(), { id: defaultTenantId, domains: [] });
  }

  /** Forgets everything except the default tenant (control API PUT /state). */
  clear(): void {
    for (const map of [
      this.tenants,
      this.subscriptions,
      this.identities,
      this.principals,
      this.compute,
      this.issuers,
    ]) {
      map.clear();
    }
    this.roleAssignments = [];
    this.tenants.set(this.defaultTenantId.toLowerCase(), { id: this.defaultTenantId, domains: [] });
  }

  // ---- tenants, subscriptions, resource groups ----

  findTenant(nameOrId: string): Tenant | undefined {
    const wanted = nameOrId.toLowerCase();
    const direct = this.tenants.get(wanted);
    if (direct) return direct;
    return [...this.tenants.values()].find((t) => t.domains.some((d) => d.toLowerCase() === wanted));
  }

  subscription(id: string): Subscription | undefined {
    return this.subscriptions.get(id.toLowerCase());
  }

  resourceGroup(subscriptionId: string, name: string): ResourceGroup | undefined {
    return this.subscription(subscriptionId)?.resourceGroups.get(name.toLowerCase());
  }

  /** Creates the subscription and resource group when missing (seeding convenience). */
  ensureResourceGroup(subscriptionId: string, name: string, location: string): ResourceGroup {
    let sub = this.subscription(subscriptionId);
    if (!sub) {
      sub = { id: subscriptionId, tenantId: this.defaultTenantId, resourceGroups: new Map() };
      this.subscriptions.set(subscriptionId.toLowerCase(), sub);
    }
    const existing = sub.resourceGroups.get(name.toLowerCase());
    if (existing) return existing;
    const group = { name, location };
    sub.resourceGroups.set(name.toLowerCase(), group);
    return group;
  }

  tenantOfSubscription(subscriptionId: string): string {
    return this.subscription(subscriptionId)?.tenantId ?? this.defaultTenantId;
  }

  // ---- user-assigned identities ----

  identity(id: string): UserAssignedIdentity | undefined {
    return this.identities.get(idKey(id));
  }

  identityByClientId(clientId: string): UserAssignedIdentity | undefined {
    const wanted = clientId.toLowerCase();
    return [...this.identities.values()].find((i) => i.clientId.toLowerCase() === wanted);
  }

  identityByPrincipalId(principalId: string): UserAssignedIdentity | undefined {
    const wanted = principalId.toLowerCase();
    return [...this.identities.values()].find((i) => i.principalId.toLowerCase() === wanted);
  }

  /** Finds a user-assigned identity by full id, or by bare name when that name is unique. */
  resolveIdentityRef(ref: string): UserAssignedIdentity | undefined {
    if (ref.includes('/')) return this.identity(ref);
    const matches = [...this.identities.values()].filter((i) => i.name.toLowerCase() === ref.toLowerCase());
    return matches.length === 1 ? matches[0] : undefined;
  }

  // ---- service principals and authorization ----

  principal(appId: string): ServicePrincipal | undefined {
    return this.principals.get(appId.toLowerCase());
  }

  /** May `principalId` perform userAssignedIdentities/assign/action on `identityId`? */
  canAssign(principalId: string, identityId: string): boolean {
    const wanted = principalId.toLowerCase();
    return this.roleAssignments.some(
      (ra) =>
        ra.principalId.toLowerCase() === wanted &&
        ASSIGN_ROLES.has(ra.role.toLowerCase()) &&
        isWithinScope(identityId, ra.scope),
    );
  }

  /** Maps an app id / client id / object id to the object id role assignments are keyed by. */
  principalObjectId(ref: string): string {
    const sp = this.principal(ref);
    if (sp) return sp.objectId;
    const mi = this.identityByClientId(ref);
    if (mi) return mi.principalId;
    return ref;
  }

  // ---- compute ----

  computeResource(id: string): ComputeResource | undefined {
    return this.compute.get(idKey(id));
  }

  listCompute(
    kind: ComputeResource['kind'],
    subscriptionId: string,
    resourceGroup?: string,
  ): ComputeResource[] {
    const scope = resourceGroup
      ? resourceGroupId(subscriptionId, resourceGroup)
      : `/subscriptions/${subscriptionId}`;
    return [...this.compute.values()].filter((r) => r.kind === kind && isWithinScope(r.id, scope));
  }

  listIdentities(subscriptionId: string, resourceGroup?: string): UserAssignedIdentity[] {
    const scope = resourceGroup
      ? resourceGroupId(subscriptionId, resourceGroup)
      : `/subscriptions/${subscriptionId}`;
    return [...this.identities.values()].filter((i) => isWithinScope(i.id, scope));
  }

  // ---- simulated nodes ----

  nodes(): SimNode[] {
    const out: SimNode[] = [];
    for (const resource of this.compute.values()) {
      if (resource.kind === 'vm') {
        out.push({
          key: idKey(resource.id),
          owner: resource,
          name: resource.name,
          computerName: resource.computerName,
          resourceId: resource.id,
          vmId: resource.vmId,
          network: resource.network,
        });
      } else {
        out.push(...scaleSetNodes(resource));
      }
    }
    return out;
  }

  node(key: string): SimNode | undefined {
    return this.nodes().find((n) => n.key === key.toLowerCase());
  }

  /** A node by VM name, `<vmss>_<id>` name, computer name or key. */
  findNode(ref: string): SimNode | undefined {
    const wanted = ref.toLowerCase();
    return this.nodes().find(
      (n) => n.key === wanted || n.name.toLowerCase() === wanted || n.computerName.toLowerCase() === wanted,
    );
  }

  nodeByAddress(address: string): SimNode | undefined {
    const normalized = address.replace(/^::ffff:/, '');
    return this.nodes().find((n) => n.network.addresses.includes(normalized));
  }

  onNodesChanged(listener: () => void): () => void {
    this.nodeListeners.add(listener);
    return () => this.nodeListeners.delete(listener);
  }

  notifyNodesChanged(): void {
    for (const listener of this.nodeListeners) listener();
  }
}

function scaleSetNodes(vmss: VirtualMachineScaleSet): SimNode[] {
  return [...vmss.instances.values()].map((instance) => {
    const resourceId = `${vmss.id}/virtualMachines/${instance.instanceId}`;
    return {
      key: idKey(resourceId),
      owner: vmss,
      instance,
      name: `${vmss.name}_${instance.instanceId}`,
      computerName: instance.computerName,
      resourceId,
      vmId: instance.vmId,
      network: instance.network,
    };
  });
}
