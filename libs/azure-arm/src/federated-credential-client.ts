// ARM adapter for the federated identity credentials of user-assigned identities (@azure/arm-msi), for
// MIC's federated backend (docs/adr/0010). It lists, creates and deletes; deciding which is MIC's job.
// SDK-level retries are off, as for compute: the caller owns waiting and backoff.
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { observedArmCall } from './observed-call';
import type { ArmCallObserver, ArmOperation } from './types';

/** A user-assigned identity by its ARM coordinates. */
export interface IdentityRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

export interface FederatedCredential {
  readonly name: string;
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** What MIC needs from ARM for federated identities. Implemented below, faked in unit tests. */
export interface FederatedCredentialPort {
  /** Every federated credential of the identity (all pages). Throws ArmError. */
  list(identity: IdentityRef, signal?: AbortSignal): Promise<FederatedCredential[]>;
  /** Creates or replaces one credential. Throws ArmError. */
  put(identity: IdentityRef, credential: FederatedCredential, signal?: AbortSignal): Promise<void>;
  /** Deletes one credential; one that is already gone is fine. Throws ArmError. */
  remove(identity: IdentityRef, name: string, signal?: AbortSignal): Promise<void>;
}

export interface FederatedCredentialClientOptions {
  readonly credential: ConstructorParameters<typeof ManagedServiceIdentityClient>[0];
  readonly endpoint: string;
  /** Token scope, e.g. https://management.azure.com/.default (the SDK would ask for <endpoint>/.default). */
  readonly scope: string;
  readonly userAgentSuffix?: string;
  readonly observer?: ArmCallObserver;
  readonly caPem?: string;
}

export class FederatedCredentialClient implements FederatedCredentialPort {
  private readonly clients = new Map<string, ManagedServiceIdentityClient>();

  constructor(private readonly options: FederatedCredentialClientOptions) {}

  list(identity: IdentityRef, signal?: AbortSignal): Promise<FederatedCredential[]> {
    return this.observe('fic_list', async () => {
      const out: FederatedCredential[] = [];
      const pages = this.client(identity).federatedIdentityCredentials.list(
        identity.resourceGroup,
        identity.name,
        { abortSignal: signal },
      );
      for await (const fic of pages) {
        out.push({
          name: fic.name ?? '',
          issuer: fic.issuer ?? '',
          subject: fic.subject ?? '',
          audiences: fic.audiences ?? [],
        });
      }
      return out;
    });
  }

  put(identity: IdentityRef, credential: FederatedCredential, signal?: AbortSignal): Promise<void> {
    return this.observe('fic_put', async () => {
      await this.client(identity).federatedIdentityCredentials.createOrUpdate(
        identity.resourceGroup,
        identity.name,
        credential.name,
        { issuer: credential.issuer, subject: credential.subject, audiences: [...credential.audiences] },
        { abortSignal: signal },
      );
    });
  }

  remove(identity: IdentityRef, name: string, signal?: AbortSignal): Promise<void> {
    return this.observe('fic_delete', async () => {
      await this.client(identity).federatedIdentityCredentials.delete(
        identity.resourceGroup,
        identity.name,
        name,
        { abortSignal: signal },
      );
    });
  }

  private observe<T>(op: ArmOperation, fn: () => Promise<T>): Promise<T> {
    return observedArmCall(op, this.options.observer, fn);
  }

  private client(identity: IdentityRef): ManagedServiceIdentityClient {
    let client = this.clients.get(identity.subscriptionId);
    if (!client) {
      client = new ManagedServiceIdentityClient(this.options.credential, identity.subscriptionId, {
        endpoint: this.options.endpoint,
        credentialScopes: [this.options.scope],
        retryOptions: { maxRetries: 0 },
        ...(this.options.caPem ? { tlsOptions: { ca: this.options.caPem } } : {}),
        userAgentOptions: this.options.userAgentSuffix
          ? { userAgentPrefix: this.options.userAgentSuffix }
          : undefined,
      });
      this.clients.set(identity.subscriptionId, client);
    }
    return client;
  }
}
