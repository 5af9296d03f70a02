// Cloud configuration: the fields of /etc/kubernetes/azure.json that MIC uses, or the same values from
// environment variables (the original's "no azure.json" mode). Pure parsing: the caller reads the file
// and the environment and hands their contents in.

export interface CloudConfig {
  /** go-autorest cloud name, e.g. AzurePublicCloud or AzureStackCloud. */
  readonly cloud: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** Node resource group: where VMs/VMSS live when a node's providerID does not say. */
  readonly resourceGroup: string;
  readonly vmType: string;
  readonly aadClientId?: string;
  readonly aadClientSecret?: string;
  readonly useManagedIdentityExtension: boolean;
  /** Client id of the user-assigned identity MIC authenticates with (also never removed from VMs). */
  readonly userAssignedIdentityID?: string;
  /** ARM endpoint override (Azure Stack style). */
  readonly resourceManagerEndpoint?: string;
}

export class CloudConfigError extends Error {
  override readonly name = 'CloudConfigError';
}

type Raw = Record<string, unknown>;

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new CloudConfigError(`cloud config field "${key}" must be a string`);
  const t = v.trim();
  return t === '' ? undefined : t;
}

function bool(raw: Raw, key: string): boolean {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw new CloudConfigError(`cloud config field "${key}" must be true or false`);
}

function build(raw: Raw, source: string): CloudConfig {
  const config: CloudConfig = {
    cloud: str(raw, 'cloud') ?? 'AzurePublicCloud',
    tenantId: str(raw, 'tenantId') ?? '',
    subscriptionId: str(raw, 'subscriptionId') ?? '',
    resourceGroup: str(raw, 'resourceGroup') ?? '',
    vmType: str(raw, 'vmType') ?? 'standard',
    aadClientId: str(raw, 'aadClientId'),
    aadClientSecret: str(raw, 'aadClientSecret'),
    useManagedIdentityExtension: bool(raw, 'useManagedIdentityExtension'),
    userAssignedIdentityID: str(raw, 'userAssignedIdentityID'),
    resourceManagerEndpoint: str(raw, 'resourceManagerEndpoint'),
  };
  const missing = (['subscriptionId', 'resourceGroup'] as const).filter((k) => config[k] === '');
  if (!config.useManagedIdentityExtension) {
    if (config.tenantId === '') missing.push('tenantId' as never);
    if (!config.aadClientId) missing.push('aadClientId' as never);
    if (!config.aadClientSecret) missing.push('aadClientSecret' as never);
  }
  if (missing.length > 0) throw new CloudConfigError(`${source}: missing ${missing.join(', ')}`);
  return config;
}

/** Parses the contents of azure.json. */
export function parseCloudConfig(text: string, source = 'azure.json'): CloudConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CloudConfigError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new CloudConfigError(`${source} must be a JSON object`);
  return build(raw as Raw, source);
}

/**
 * The original's environment variables (injected from its admin secret): CLOUD, TENANT_ID, CLIENT_ID,
 * CLIENT_SECRET, SUBSCRIPTION_ID, RESOURCE_GROUP, VM_TYPE, USE_MSI, USER_ASSIGNED_MSI_CLIENT_ID.
 */
export function cloudConfigFromEnv(env: Readonly<Record<string, string | undefined>>): CloudConfig {
  return build(
    {
      cloud: env.CLOUD,
      tenantId: env.TENANT_ID,
      subscriptionId: env.SUBSCRIPTION_ID,
      resourceGroup: env.RESOURCE_GROUP,
      vmType: env.VM_TYPE,
      aadClientId: env.CLIENT_ID,
      aadClientSecret: env.CLIENT_SECRET,
      useManagedIdentityExtension: env.USE_MSI,
      userAssignedIdentityID: env.USER_ASSIGNED_MSI_CLIENT_ID,
    },
    'environment (CLOUD, TENANT_ID, CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION_ID, RESOURCE_GROUP, USE_MSI, ...)',
  );
}
