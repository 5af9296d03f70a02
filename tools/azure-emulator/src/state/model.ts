// The emulator's one state: every endpoint (IMDS, Entra ID, ARM) reads and mutates these records.

export interface Tenant {
  readonly id: string;
  /** Extra names accepted in authority URLs (e.g. contoso.onmicrosoft.com). */
  readonly domains: string[];
}

export interface ResourceGroup {
  readonly name: string;
  readonly location: string;
}

export interface Subscription {
  readonly id: string;
  readonly tenantId: string;
  /** Keyed by lower-cased name. */
  readonly resourceGroups: Map<string, ResourceGroup>;
}

export interface FederatedCredential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: string[];
}

export interface UserAssignedIdentity {
  /** ARM id in the casing it was created with. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  location: string;
  tags: Record<string, string>;
  readonly tenantId: string;
  readonly clientId: string;
  readonly principalId: string;
  /** Keyed by lower-cased credential name. */
  readonly federatedCredentials: Map<string, FederatedCredential>;
}

export interface ServicePrincipal {
  readonly appId: string;
  readonly objectId: string;
  readonly tenantId: string;
  readonly displayName: string;
  readonly secrets: string[];
  /** PEM certificates whose keys may sign client assertions. */
  readonly certificates: string[];
  readonly federatedCredentials: FederatedCredential[];
}

/** A role assignment, reduced to what the emulator checks: may `principalId` assign identities under `scope`. */
export interface RoleAssignment {
  readonly principalId: string;
  readonly role: string;
  readonly scope: string;
}

export interface AssignedIdentity {
  /** The id as the caller spelled it when assigning (ARM echoes ids in varying case). */
  readonly id: string;
  /** When it was assigned (ms): IMDS serves it only after the propagation delay. */
  readonly assignedAt: number;
}

export interface SystemIdentity {
  readonly principalId: string;
  /** App id of the system-assigned identity's service principal (IMDS `client_id`). */
  readonly clientId: string;
  readonly tenantId: string;
  readonly assignedAt: number;
}

export interface ResourceIdentity {
  system?: SystemIdentity;
  /** Keyed by idKey(id). */
  user: Map<string, AssignedIdentity>;
}

/** How a simulated node reaches IMDS: its own listener and/or source addresses on the shared listener. */
export interface NodeNetwork {
  /** host:port of this node's own IMDS listener; null = none. Port 0 picks a free port. */
  readonly imdsListen: string | null;
  /** Source addresses that identify this node on the shared IMDS listener. */
  readonly addresses: string[];
  readonly privateIp: string;
}

interface ComputeBase {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly location: string;
  tags: Record<string, string>;
  identity: ResourceIdentity;
  /** Incremented on every write; rendered as the quoted etag. */
  etag: number;
  deleting: boolean;
}

export interface VirtualMachine extends ComputeBase {
  readonly kind: 'vm';
  readonly vmId: string;
  readonly computerName: string;
  readonly vmSize: string;
  readonly zone: string;
  readonly network: NodeNetwork;
}

export interface ScaleSetInstance {
  readonly instanceId: string;
  readonly computerName: string;
  readonly vmId: string;
  readonly zone: string;
  readonly network: NodeNetwork;
}

export interface VirtualMachineScaleSet extends ComputeBase {
  readonly kind: 'vmss';
  readonly skuName: string;
  readonly capacity: number;
  readonly orchestrationMode: 'Uniform' | 'Flexible';
  /** Keyed by instance id. */
  readonly instances: Map<string, ScaleSetInstance>;
}

export type ComputeResource = VirtualMachine | VirtualMachineScaleSet;

/** One simulated node: a standalone VM or one VMSS instance. Its IMDS sees the identities of `owner`. */
export interface SimNode {
  /** Stable key: the VM id or the VMSS instance id, lower-cased. */
  readonly key: string;
  readonly owner: ComputeResource;
  readonly instance?: ScaleSetInstance;
  /** IMDS compute.name: the VM name, or `<vmss>_<instanceId>`. */
  readonly name: string;
  readonly computerName: string;
  readonly resourceId: string;
  readonly vmId: string;
  readonly network: NodeNetwork;
}

/** JWKS registered for an external OIDC issuer (federated credentials), so no fetch is needed. */
export interface OidcIssuer {
  readonly issuer: string;
  readonly jwks: { keys: Record<string, unknown>[] };
}
