// --azure: what ARM really holds, read with the credentials of an azure.json (--cloudconfig, as MIC's) or
// the cloud-config environment MIC also reads: the user-assigned identities on the node's VM or scale set,
// and the federated credentials of the pod's federated identities. A failure becomes an `error` shown on
// that azure line; the rest of `explain` still runs.
import {
  cloudConfigFromEnv,
  ComputeIdentityClient,
  createArmCredential,
  FederatedCredentialClient,
  parseCloudConfig,
  resolveCloudEnvironment,
} from '@pod-identity/azure-arm';
import { computeTargetResourceId, parseProviderId, parseUserAssignedIdentityId } from '@pod-identity/domain';
import type { AzureFacts, FederatedFacts } from './model';

export interface AzureReadInput {
  readonly providerID?: string;
  readonly cloudConfigText?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads AZURE_ENVIRONMENT_FILEPATH (custom clouds). */
  readonly readFile: (path: string) => string;
  /** Resource ids of the pod's federated identities: their credentials are listed. */
  readonly federatedIdentityIds: readonly string[];
}

const firstLine = (err: unknown): string =>
  err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);

function armClients(input: AzureReadInput): {
  compute: ComputeIdentityClient;
  federated: FederatedCredentialClient;
} {
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
  const common = {
    credential,
    endpoint: environment.resourceManagerEndpoint,
    scope: environment.armScope,
    userAgentSuffix: 'kubectl-pod_identity',
  };
  return { compute: new ComputeIdentityClient(common), federated: new FederatedCredentialClient(common) };
}

async function federatedSubjects(
  client: FederatedCredentialClient,
  ids: readonly string[],
): Promise<FederatedFacts[]> {
  return Promise.all(
    ids.map(async (id): Promise<FederatedFacts> => {
      const ref = parseUserAssignedIdentityId(id);
      if (!ref) return { identityId: id.toLowerCase(), error: `"${id}" is not a user-assigned identity id` };
      try {
        const credentials = await client.list(ref);
        return {
          identityId: ref.canonical,
          credentials: credentials.map((c) => ({ name: c.name, issuer: c.issuer, subject: c.subject })),
        };
      } catch (err) {
        return { identityId: ref.canonical, error: firstLine(err) };
      }
    }),
  );
}

export async function readAzure(input: AzureReadInput): Promise<AzureFacts> {
  const target = parseProviderId(input.providerID);
  const targetId = target ? computeTargetResourceId(target) : undefined;
  let clients;
  try {
    clients = armClients(input);
  } catch (err) {
    return { target: targetId, error: firstLine(err), federated: [] };
  }
  const federated = await federatedSubjects(clients.federated, input.federatedIdentityIds);
  if (!target)
    return {
      error: `node providerID "${input.providerID ?? ''}" is not an Azure VM or VMSS instance`,
      federated,
    };
  try {
    const state = await clients.compute.getIdentities({
      kind: target.kind,
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      name: target.name,
    });
    return {
      target: targetId,
      identityIds: [...state.userAssigned.keys()].map((id) => id.toLowerCase()),
      federated,
    };
  } catch (err) {
    return { target: targetId, error: firstLine(err), federated };
  }
}
