// The seed document (JSON or YAML): the shape tests, the CLI and the control API use to describe a world.

export interface SeedFederatedCredential {
  name: string;
  issuer: string;
  subject: string;
  audiences?: string[];
}

export interface SeedIdentity {
  subscription: string;
  resourceGroup: string;
  name: string;
  location?: string;
  clientId?: string;
  principalId?: string;
  tags?: Record<string, string>;
  federatedCredentials?: SeedFederatedCredential[];
}

export interface SeedPrincipal {
  /** The application (client) id. */
  clientId: string;
  objectId?: string;
  tenantId?: string;
  displayName?: string;
  secret?: string;
  secrets?: string[];
  certificatePem?: string;
  certificates?: string[];
  federatedCredentials?: SeedFederatedCredential[];
}

export interface SeedRoleAssignment {
  /** Object id, or a service principal's client id, or a managed identity's client id. */
  principal: string;
  /** Default "Managed Identity Operator". */
  role?: string;
  scope: string;
}

export interface SeedResourceIdentity {
  /** true, or the system-assigned principal id to use. */
  systemAssigned?: boolean | string;
  /** Full ids, or names of seeded identities. */
  userAssigned?: string[];
}

export interface SeedNode {
  /** host:port for this node's own IMDS listener ("127.0.0.1:0" = any free port); null = no own listener. */
  imds?: string | null;
  /** Source addresses mapped to this node on the shared IMDS listener. */
  addresses?: string[];
  privateIp?: string;
}

export interface SeedVirtualMachine {
  subscription: string;
  resourceGroup: string;
  name: string;
  location?: string;
  computerName?: string;
  vmId?: string;
  vmSize?: string;
  zone?: string;
  tags?: Record<string, string>;
  identity?: SeedResourceIdentity;
  node?: SeedNode;
}

export interface SeedScaleSetInstance {
  instanceId: string;
  computerName?: string;
  vmId?: string;
  zone?: string;
  node?: SeedNode;
}

export interface SeedScaleSet {
  subscription: string;
  resourceGroup: string;
  name: string;
  location?: string;
  sku?: string;
  orchestrationMode?: 'Uniform' | 'Flexible';
  tags?: Record<string, string>;
  identity?: SeedResourceIdentity;
  /** Instances, or a count (instance ids 0..n-1, AKS-style computer names). */
  instances?: SeedScaleSetInstance[] | number;
}

export interface SeedDocument {
  /** Default tenant of a new emulator (ignored when seeding a running one). */
  tenantId?: string;
  tenants?: { id: string; domains?: string[] }[];
  subscriptions?: { id: string; tenantId?: string; resourceGroups?: { name: string; location?: string }[] }[];
  userAssignedIdentities?: SeedIdentity[];
  servicePrincipals?: SeedPrincipal[];
  roleAssignments?: SeedRoleAssignment[];
  virtualMachines?: SeedVirtualMachine[];
  virtualMachineScaleSets?: SeedScaleSet[];
  oidcIssuers?: { issuer: string; jwks: { keys: Record<string, unknown>[] } }[];
}
