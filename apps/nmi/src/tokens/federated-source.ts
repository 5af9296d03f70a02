// The federated backend (docs/adr/0010): a token of the calling pod's own ServiceAccount, bound to the
// pod and short-lived, exchanged at Entra ID for a token of the identity. Nothing from IMDS is used, so
// an identity on this backend never needs to be on the node's VM. Tokens are cached per ServiceAccount:
// Entra issues the same token to every pod of one ServiceAccount, and never to another.
import {
  canonicalId,
  podServiceAccount,
  serviceAccountSubject,
  TOKEN_EXCHANGE_AUDIENCE,
} from '@pod-identity/domain';
import { statusCodeOf } from '@pod-identity/kube';
import type { Logger } from '@pod-identity/platform';
import { NmiError } from '../errors';
import type { IdentityInfo, PodInfo } from '../identity/model';
import type { CacheResult, TokenCache } from './cache';
import type { EntraTokenClient } from './entra-client';
import { mapFederatedError } from './federated-errors';

export interface ServiceAccountTokenRequest {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podName: string;
  readonly podUid: string;
  readonly audience: string;
  readonly expirationSeconds: number;
  readonly timeoutMs: number;
}

/** TokenRequest against the apiserver; rejects with the apiserver's error. */
export type ServiceAccountTokenMinter = (request: ServiceAccountTokenRequest) => Promise<string>;

export interface FederatedOptions {
  /** Authority of identities without spec.adEndpoint (--default-ad-endpoint). */
  readonly defaultAuthorityHost: string;
  /** Tenant of identities without spec.tenantID (--federated-tenant-id). */
  readonly defaultTenantId?: string;
  readonly timeoutMs: number;
}

/** The API server's minimum: the shortest-lived token it will mint. */
export const SERVICE_ACCOUNT_TOKEN_SECONDS = 600;
/** One warning per problem and key in this window, so a polling pod does not flood the log. */
const WARN_EVERY_MS = 60_000;

export interface FederatedSourceDeps {
  readonly cache: TokenCache;
  readonly entra: EntraTokenClient;
  readonly mint: ServiceAccountTokenMinter;
  readonly options: FederatedOptions;
  readonly logger: Pick<Logger, 'warn'>;
  readonly nowMs?: () => number;
}

export class FederatedTokenSource {
  private readonly warned = new Map<string, number>();

  constructor(private readonly deps: FederatedSourceDeps) {}

  get(identity: IdentityInfo, pod: PodInfo, resource: string): Promise<CacheResult> {
    const spec = identity.spec;
    const name = `${identity.namespace}/${identity.name}`;
    const tenantId = spec.tenantID || this.deps.options.defaultTenantId;
    if (!spec.clientID) throw new NmiError('credential-unavailable', `AzureIdentity ${name} has no clientID`);
    if (!tenantId) {
      this.warnOnce(
        `tenant|${name}`,
        { identity: name },
        'federated identity without a tenant: set spec.tenantID or --federated-tenant-id',
      );
      throw new NmiError(
        'credential-unavailable',
        `AzureIdentity ${name} is federated but has no tenantID, and NMI has no --federated-tenant-id`,
      );
    }
    const clientId = spec.clientID;
    const authorityHost = spec.adEndpoint || this.deps.options.defaultAuthorityHost;
    const serviceAccount = podServiceAccount(pod.serviceAccount);
    const key = [
      'fed',
      authorityHost,
      tenantId,
      canonicalId(clientId),
      pod.namespace,
      serviceAccount,
      resource,
    ].join('|');
    const subject = serviceAccountSubject(pod.namespace, serviceAccount);
    return this.deps.cache.get(key, async () => {
      const assertion = await this.serviceAccountToken(pod, serviceAccount);
      try {
        return await this.deps.entra.fetch({
          tenantIds: [tenantId],
          clientId,
          authorityHost,
          material: { kind: 'assertion', assertion },
          resource,
          mapError: (err) => mapFederatedError(err, subject),
        });
      } catch (err) {
        if (err instanceof NmiError && err.code === 'upstream-rejected') {
          this.warnOnce(
            `entra|${key}`,
            { identity: name, subject, aadsts: err.detail.upstreamError },
            err.message,
          );
        }
        throw err;
      }
    });
  }

  private async serviceAccountToken(pod: PodInfo, serviceAccount: string): Promise<string> {
    const who = `${pod.namespace}/${serviceAccount}`;
    try {
      return await this.deps.mint({
        namespace: pod.namespace,
        serviceAccount,
        podName: pod.name,
        podUid: pod.uid,
        audience: TOKEN_EXCHANGE_AUDIENCE,
        expirationSeconds: SERVICE_ACCOUNT_TOKEN_SECONDS,
        timeoutMs: this.deps.options.timeoutMs,
      });
    } catch (err) {
      throw this.tokenRequestError(err, pod, who);
    }
  }

  private tokenRequestError(err: unknown, pod: PodInfo, who: string): NmiError {
    const status = statusCodeOf(err);
    const fields = { pod: `${pod.namespace}/${pod.name}`, serviceAccount: who, status, err };
    if (status === 403) {
      this.warnOnce(
        'rbac',
        fields,
        "NMI may not create ServiceAccount tokens: grant its ClusterRole 'create' on 'serviceaccounts/token'",
      );
      return new NmiError('credential-unavailable', 'NMI is not allowed to request ServiceAccount tokens');
    }
    if (status === 404 || status === 409) {
      return new NmiError(
        'credential-unavailable',
        `no ServiceAccount token for pod ${pod.namespace}/${pod.name}: the pod or its ServiceAccount ${who} is gone`,
      );
    }
    this.warnOnce(`mint|${who}`, fields, 'TokenRequest failed; retrying with the next request');
    return new NmiError(
      'upstream-unavailable',
      'the API server did not issue a ServiceAccount token; retry shortly',
    );
  }

  private warnOnce(key: string, fields: Record<string, unknown>, message: string): void {
    const now = (this.deps.nowMs ?? Date.now)();
    const last = this.warned.get(key);
    if (last !== undefined && now - last < WARN_EVERY_MS) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.set(key, now);
    this.deps.logger.warn(fields, message);
  }
}
