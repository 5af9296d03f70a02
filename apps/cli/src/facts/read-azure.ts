// --azure: the user-assigned identities really on the node's VM or scale set, read from ARM with the
// credentials of an azure.json (--cloudconfig, as MIC's) or the AZURE_* / cloud-config environment.
// Any failure becomes AzureFacts.error, shown on the azure line: the rest of `explain` still runs.
import {
  cloudConfigFromEnv,
  ComputeIdentityClient,
  createArmCredential,
  parseCloudConfig,
  resolveCloudEnvironment,
} from '@pod-identity/azure-arm';
import { computeTargetResourceId, parseProviderId } from '@pod-identity/domain';
import type { AzureFacts } from './model';

export interface AzureReadInput {
  readonly providerID?: string;
  readonly cloudConfigText?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads AZURE_ENVIRONMENT_FILEPATH (custom clouds). */
  readonly readFile: (path: string) => string;
}

export async function readAzure(input: AzureReadInput): Promise<AzureFacts> {
  const target = parseProviderId(input.providerID);
  if (!target)
    return { error: `node providerID "${input.providerID ?? ''}" is not an Azure VM or VMSS instance` };
  const targetId = computeTargetResourceId(target);
  try {
    const cloud = input.cloudConfigText
      ? parseCloudConfig(input.cloudConfigText, '--cloudconfig')
      : cloudConfigFromEnv(input.env);
    const envFile = input.env.AZURE_ENVIRONMENT_FILEPATH;
    const environment = resolveCloudEnvironment({
      cloud: cloud.cloud,
      environmentFile: envFile ? input.readFile(envFile) : undefined,
      resourceManagerEndpoint: cloud.resourceManagerEndpoint,
    });
    const { credential } = createArmCredential(cloud, environment);
    const client = new ComputeIdentityClient({
      credential,
      endpoint: environment.resourceManagerEndpoint,
      scope: environment.armScope,
      userAgentSuffix: 'kubectl-pod_identity',
    });
    const state = await client.getIdentities({
      kind: target.kind,
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      name: target.name,
    });
    return { target: targetId, identityIds: [...state.userAssigned.keys()].map((id) => id.toLowerCase()) };
  } catch (err) {
    return { target: targetId, error: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}
