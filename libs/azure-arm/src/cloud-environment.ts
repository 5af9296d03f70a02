// Endpoints of an Azure cloud: the well-known ones by go-autorest name, or a custom one from an
// environment file (AZURE_ENVIRONMENT_FILEPATH, the Azure Stack mechanism). A custom file is also how
// MIC is pointed at a local emulator.

export interface CloudEnvironment {
  readonly name: string;
  /** ARM endpoint without trailing slash. */
  readonly resourceManagerEndpoint: string;
  /** Entra ID authority host without trailing slash. */
  readonly authorityHost: string;
  /** Token scope for ARM, e.g. https://management.azure.com/.default. */
  readonly armScope: string;
  /** True for custom clouds: msal must not try instance discovery against the public cloud. */
  readonly custom: boolean;
}

const KNOWN: Record<string, { arm: string; authority: string }> = {
  azurepubliccloud: { arm: 'https://management.azure.com', authority: 'https://login.microsoftonline.com' },
  azureusgovernmentcloud: {
    arm: 'https://management.usgovcloudapi.net',
    authority: 'https://login.microsoftonline.us',
  },
  azurechinacloud: {
    arm: 'https://management.chinacloudapi.cn',
    authority: 'https://login.chinacloudapi.cn',
  },
  azuregermancloud: {
    arm: 'https://management.microsoftazure.de',
    authority: 'https://login.microsoftonline.de',
  },
};

const trim = (url: string): string => url.trim().replace(/\/+$/, '');

function scopeFor(audience: string): string {
  return `${trim(audience)}/.default`;
}

/** A well-known cloud by name (case-insensitive); undefined for unknown names and AzureStackCloud. */
export function knownCloudEnvironment(name: string): CloudEnvironment | undefined {
  const known = KNOWN[name.trim().toLowerCase()];
  if (!known) return undefined;
  return {
    name,
    resourceManagerEndpoint: known.arm,
    authorityHost: known.authority,
    armScope: scopeFor(known.arm),
    custom: false,
  };
}

/**
 * Parses a go-autorest environment file: `resourceManagerEndpoint`, `activeDirectoryEndpoint` and
 * optionally `tokenAudience` (or `resourceIdentifiers.resourceManager`) for the token scope.
 */
export function parseEnvironmentFile(text: string, source = 'environment file'): CloudEnvironment {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const get = (k: string): string | undefined =>
    typeof raw[k] === 'string' && raw[k] !== '' ? (raw[k] as string) : undefined;
  const arm = get('resourceManagerEndpoint');
  const authority = get('activeDirectoryEndpoint');
  if (!arm || !authority)
    throw new Error(`${source}: resourceManagerEndpoint and activeDirectoryEndpoint are required`);
  const ids = raw.resourceIdentifiers as Record<string, unknown> | undefined;
  const audience =
    get('tokenAudience') ??
    (typeof ids?.resourceManager === 'string' ? (ids.resourceManager as string) : undefined) ??
    arm;
  return {
    name: get('name') ?? 'AzureStackCloud',
    resourceManagerEndpoint: trim(arm),
    authorityHost: trim(authority),
    armScope: scopeFor(audience),
    custom: true,
  };
}

/**
 * Resolves the environment for a cloud config: an environment file wins (required for AzureStackCloud),
 * then a `resourceManagerEndpoint` override on a known cloud, then the well-known cloud itself.
 */
export function resolveCloudEnvironment(input: {
  readonly cloud: string;
  readonly environmentFile?: string;
  readonly resourceManagerEndpoint?: string;
}): CloudEnvironment {
  if (input.environmentFile !== undefined) return parseEnvironmentFile(input.environmentFile);
  const known = knownCloudEnvironment(input.cloud);
  if (!known) {
    throw new Error(
      `unknown cloud "${input.cloud}": use a known name or provide an environment file (AZURE_ENVIRONMENT_FILEPATH)`,
    );
  }
  if (input.resourceManagerEndpoint)
    return { ...known, resourceManagerEndpoint: trim(input.resourceManagerEndpoint), custom: true };
  return known;
}
