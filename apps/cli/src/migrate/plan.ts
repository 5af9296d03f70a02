// `migrate --to workload-identity` (pure): for each binding, what Azure workload identity needs instead -
// the ServiceAccounts of the pods it selects, annotated with the identity's client id, the pods labelled
// azure.workload.identity/use, and one federated identity credential per ServiceAccount (ARM request).
import { stringify } from 'yaml';
import type { NormalizedAzureIdentity, NormalizedAzureIdentityBinding } from '@pod-identity/crd-types';
import type { PodFacts } from '../facts/model';

export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';
export const FIC_API_VERSION = '2023-01-31';
const ISSUER_PLACEHOLDER =
  '<OIDC issuer: az aks show -g <rg> -n <cluster> --query oidcIssuerProfile.issuerUrl -o tsv>';

export interface FederatedCredentialRequest {
  readonly name: string;
  readonly method: 'PUT';
  readonly url: string;
  readonly body: {
    readonly properties: {
      readonly issuer: string;
      readonly subject: string;
      readonly audiences: readonly string[];
    };
  };
}

export interface BindingMigration {
  readonly binding: string;
  readonly identity?: {
    readonly name: string;
    readonly type: number;
    readonly clientID: string;
    readonly resourceID?: string;
    readonly tenantID?: string;
  };
  /** Why nothing can be planned (identity missing), or what to do by hand (service principals). */
  readonly note?: string;
  readonly serviceAccounts: ReadonlyArray<{ readonly namespace: string; readonly name: string }>;
  readonly manifests: readonly object[];
  readonly federatedCredentials: readonly FederatedCredentialRequest[];
}

export interface MigrationPlan {
  readonly apiVersion: 'pod-identity.cli/v1';
  readonly kind: 'WorkloadIdentityMigration';
  readonly issuer: string;
  readonly bindings: readonly BindingMigration[];
}

/** A credential name Azure accepts (3-120 of [A-Za-z0-9_-], starting with a letter or digit). */
export function credentialName(namespace: string, serviceAccount: string): string {
  return `kubernetes-${namespace}-${serviceAccount}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 120);
}

function serviceAccountManifest(
  sa: { namespace: string; name: string },
  identity: NormalizedAzureIdentity,
): object {
  const annotations: Record<string, string> = {
    'azure.workload.identity/client-id': identity.spec.clientID ?? '',
  };
  if (identity.spec.tenantID) annotations['azure.workload.identity/tenant-id'] = identity.spec.tenantID;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: sa.name, namespace: sa.namespace, annotations },
  };
}

function migrateBinding(
  binding: NormalizedAzureIdentityBinding,
  identity: NormalizedAzureIdentity | undefined,
  pods: readonly PodFacts[],
  issuer: string,
): BindingMigration {
  const ns = binding.metadata?.namespace ?? '';
  const name = `${ns}/${binding.metadata?.name ?? ''}`;
  const selected = pods.filter(
    (p) => p.labels.aadpodidbinding === binding.spec.selector && p.namespace === ns,
  );
  const serviceAccounts = [...new Set(selected.map((p) => p.serviceAccount))]
    .sort()
    .map((sa) => ({ namespace: ns, name: sa }));
  if (!identity)
    return {
      binding: name,
      note: `AzureIdentity ${ns}/${binding.spec.azureIdentity} not found`,
      serviceAccounts,
      manifests: [],
      federatedCredentials: [],
    };
  const spec = identity.spec;
  const summary = {
    name: identity.metadata?.name ?? '',
    type: spec.type,
    clientID: spec.clientID ?? '',
    resourceID: spec.resourceID,
    tenantID: spec.tenantID,
  };
  const manifests = serviceAccounts.map((sa) => serviceAccountManifest(sa, identity));
  if (spec.type !== 0 || !spec.resourceID) {
    const note = `a service principal: add the federated credentials to its app registration (az ad app federated-credential create --id ${spec.clientID} ...), not through ARM`;
    return { binding: name, identity: summary, note, serviceAccounts, manifests, federatedCredentials: [] };
  }
  const federatedCredentials = serviceAccounts.map((sa): FederatedCredentialRequest => {
    const credential = credentialName(sa.namespace, sa.name);
    return {
      name: credential,
      method: 'PUT',
      url: `https://management.azure.com${spec.resourceID}/federatedIdentityCredentials/${credential}?api-version=${FIC_API_VERSION}`,
      body: {
        properties: {
          issuer,
          subject: `system:serviceaccount:${sa.namespace}:${sa.name}`,
          audiences: [WORKLOAD_IDENTITY_AUDIENCE],
        },
      },
    };
  });
  return { binding: name, identity: summary, serviceAccounts, manifests, federatedCredentials };
}

export function planMigration(input: {
  readonly bindings: readonly NormalizedAzureIdentityBinding[];
  readonly identities: readonly NormalizedAzureIdentity[];
  readonly pods: readonly PodFacts[];
  readonly issuer?: string;
}): MigrationPlan {
  const issuer = input.issuer ?? ISSUER_PLACEHOLDER;
  const identityOf = (b: NormalizedAzureIdentityBinding): NormalizedAzureIdentity | undefined =>
    input.identities.find(
      (i) => i.metadata?.namespace === b.metadata?.namespace && i.metadata?.name === b.spec.azureIdentity,
    );
  const bindings = [...input.bindings]
    .sort((a, b) =>
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
        `${b.metadata?.namespace}/${b.metadata?.name}`,
      ),
    )
    .map((b) => migrateBinding(b, identityOf(b), input.pods, issuer));
  return { apiVersion: 'pod-identity.cli/v1', kind: 'WorkloadIdentityMigration', issuer, bindings };
}

/** YAML to apply, with each binding's ARM requests as comments above its ServiceAccounts. */
export function renderMigration(plan: MigrationPlan): string {
  const out: string[] = [];
  for (const b of plan.bindings) {
    out.push(
      `# binding ${b.binding}${b.identity ? ` -> identity ${b.identity.name} (client ${b.identity.clientID})` : ''}`,
    );
    if (b.note) out.push(`# ${b.note}`);
    if (b.serviceAccounts.length === 0)
      out.push('# no running pod selects it: no ServiceAccount to federate');
    out.push(
      '# Label the pods (their template): azure.workload.identity/use: "true"; they must run as these ServiceAccounts.',
    );
    for (const r of b.federatedCredentials)
      out.push(`# ARM: ${r.method} ${r.url}`, `#   ${JSON.stringify(r.body)}`);
    for (const m of b.manifests) out.push('---', stringify(m).trimEnd());
  }
  return `${out.join('\n')}\n`;
}
