// Token for an identity and a resource, through the cache. Chooses the upstream by identity type and
// reads service principal credentials from Secrets (NMI needs `secrets: get`). With namespaced rules
// on, the Secret must be in the identity's namespace: otherwise whoever may create an AzureIdentity
// could borrow any namespace's service principal through NMI's cluster-wide read.
import { IDENTITY_TYPES } from '@pod-identity/crd-types';
import { canonicalId, IDENTITY_BACKENDS } from '@pod-identity/domain';
import { NmiError } from '../errors';
import type { IdentityInfo, PodInfo } from '../identity/model';
import type { CacheResult, TokenCache } from './cache';
import type { EntraTokenClient } from './entra-client';
import type { FederatedTokenSource } from './federated-source';
import type { ImdsTokenClient } from './imds-client';
import { secretMaterial } from './sp-material';

/** Reads a Secret's data; undefined when it does not exist. */
export type SecretReader = (
  namespace: string,
  name: string,
) => Promise<Readonly<Record<string, Buffer>> | undefined>;

export interface TokenServiceOptions {
  readonly defaultAuthorityHost: string;
  readonly secretsInIdentityNamespaceOnly: boolean;
}

export interface TokenServiceDeps {
  readonly cache: TokenCache;
  readonly imds: ImdsTokenClient;
  readonly entra: EntraTokenClient;
  readonly readSecret: SecretReader;
  readonly options: TokenServiceOptions;
  /** The federated backend (docs/adr/0010); without it (unit tests) a federated grant is refused. */
  readonly federated?: FederatedTokenSource;
}

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  /**
   * Upstream calls are shared by every request waiting for the same key, so they are bounded by their
   * own timeouts, never by one caller's disconnect. `pod` is the caller: the federated backend exchanges
   * a token of its ServiceAccount.
   */
  get(identity: IdentityInfo, resource: string, pod: PodInfo): Promise<CacheResult> {
    if (identity.backend === IDENTITY_BACKENDS.Federated) {
      if (!this.deps.federated)
        throw new NmiError(
          'credential-unavailable',
          `AzureIdentity ${identity.namespace}/${identity.name} is federated, and this NMI has no federated backend`,
        );
      return this.deps.federated.get(identity, pod, resource);
    }
    const spec = identity.spec;
    if (spec.type === IDENTITY_TYPES.UserAssignedMSI) {
      const clientId = spec.clientID;
      if (!clientId)
        throw new NmiError(
          'credential-unavailable',
          `AzureIdentity ${identity.namespace}/${identity.name} has no clientID`,
        );
      return this.deps.cache.get(`mi|${canonicalId(clientId)}|${resource}`, () =>
        this.deps.imds.fetchToken(clientId, resource),
      );
    }
    return this.servicePrincipal(identity, resource);
  }

  private servicePrincipal(identity: IdentityInfo, resource: string): Promise<CacheResult> {
    const spec = identity.spec;
    const name = `${identity.namespace}/${identity.name}`;
    const secretRef = spec.clientPassword;
    if (!spec.clientID || !spec.tenantID || !secretRef?.name) {
      throw new NmiError(
        'credential-unavailable',
        `AzureIdentity ${name} needs clientID, tenantID and clientPassword`,
      );
    }
    const secretNamespace = secretRef.namespace || identity.namespace;
    if (this.deps.options.secretsInIdentityNamespaceOnly && secretNamespace !== identity.namespace) {
      throw new NmiError(
        'credential-unavailable',
        `AzureIdentity ${name} references a Secret of another namespace`,
      );
    }
    const authorityHost = spec.adEndpoint || this.deps.options.defaultAuthorityHost;
    const tenantIds = [
      spec.tenantID,
      ...(spec.type === IDENTITY_TYPES.ServicePrincipal ? (spec.auxiliaryTenantIDs ?? []) : []),
    ];
    const key = [
      'sp',
      spec.type,
      authorityHost,
      tenantIds.join(','),
      canonicalId(spec.clientID),
      secretNamespace,
      secretRef.name,
      resource,
    ].join('|');
    const clientId = spec.clientID;
    const type =
      spec.type === IDENTITY_TYPES.ServicePrincipalCertificate ? spec.type : IDENTITY_TYPES.ServicePrincipal;
    return this.deps.cache.get(key, async () => {
      const data = await this.deps
        .readSecret(secretNamespace, secretRef.name as string)
        .catch((err: unknown) => {
          throw new NmiError(
            'credential-unavailable',
            `secret ${secretNamespace}/${secretRef.name} could not be read`,
            {},
            { cause: err },
          );
        });
      if (!data)
        throw new NmiError('credential-unavailable', `secret ${secretNamespace}/${secretRef.name} not found`);
      const material = secretMaterial(type, data, `${secretNamespace}/${secretRef.name}`);
      return this.deps.entra.fetch({ tenantIds, clientId, authorityHost, material, resource });
    });
  }
}
