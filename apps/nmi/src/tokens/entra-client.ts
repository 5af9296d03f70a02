// Tokens from Entra ID through @azure/identity at the identity's authority, with instance discovery off
// (it would call login.microsoftonline.com whatever the authority) and a per-request timeout (msal
// ignores abort signals): types 1 and 2 with ClientSecretCredential / ClientCertificateCredential, the
// federated backend with ClientAssertionCredential (docs/adr/0010). Auxiliary tenants: one token per
// tenant, primary first (the array form).
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import {
  type AccessToken,
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from '@azure/identity';
import { NmiError } from '../errors';
import type { UpstreamBudget } from './budget';
import type { UpstreamObserver } from './imds-client';
import type { SpMaterial } from './sp-material';
import { type IssuedToken, resourceToScope, type TokenSet } from './token';

/** A federated assertion (a ServiceAccount token) presented as jwt-bearer client_assertion. */
export interface AssertionMaterial {
  readonly kind: 'assertion';
  readonly assertion: string;
}

export type ClientMaterial = SpMaterial | AssertionMaterial;

export interface CredentialRequest {
  readonly tenantId: string;
  readonly clientId: string;
  readonly authorityHost: string;
  readonly material: ClientMaterial;
}

export type CredentialFactory = (request: CredentialRequest) => TokenCredential;

export interface EntraOptions {
  readonly timeoutMs: number;
  /** Extra CA (PEM) trusted for the authority's TLS, e.g. a private cloud or a test emulator. */
  readonly caPem?: string;
}

export function azureIdentityCredentials(options: EntraOptions): CredentialFactory {
  const base = createDefaultHttpClient();
  const httpClient: HttpClient = {
    sendRequest: (request) => {
      request.timeout = options.timeoutMs;
      return base.sendRequest(request);
    },
  };
  return (req) => {
    const common = {
      authorityHost: req.authorityHost,
      disableInstanceDiscovery: true,
      httpClient,
      retryOptions: { maxRetries: 1 },
      ...(options.caPem ? { tlsOptions: { ca: options.caPem } } : {}),
    };
    return credentialFor(req.tenantId, req.clientId, req.material, common);
  };
}

function credentialFor(
  tenantId: string,
  clientId: string,
  material: ClientMaterial,
  common: ConstructorParameters<typeof ClientSecretCredential>[3],
): TokenCredential {
  switch (material.kind) {
    case 'secret':
      return new ClientSecretCredential(tenantId, clientId, material.secret, common);
    case 'certificate':
      return new ClientCertificateCredential(tenantId, clientId, { certificate: material.pem }, common);
    default: {
      const { assertion } = material;
      return new ClientAssertionCredential(tenantId, clientId, () => Promise.resolve(assertion), common);
    }
  }
}

export interface SpTokenRequest {
  readonly tenantIds: readonly string[];
  readonly clientId: string;
  readonly authorityHost: string;
  readonly material: ClientMaterial;
  readonly resource: string;
  /** Turns an @azure/identity failure into the caller's answer; default mapEntraError. */
  readonly mapError?: (err: unknown) => NmiError;
}

export class EntraTokenClient {
  constructor(
    private readonly credentials: CredentialFactory,
    private readonly budget: UpstreamBudget,
    private readonly nowMs: () => number,
    private readonly timeoutMs: number,
    private readonly observe: UpstreamObserver = () => undefined,
  ) {}

  async fetch(request: SpTokenRequest, signal?: AbortSignal): Promise<TokenSet> {
    const tokens: IssuedToken[] = [];
    for (const tenantId of request.tenantIds) {
      const credential = this.credentials({ ...request, tenantId });
      tokens.push(await this.one(credential, request, signal));
    }
    return { tokens, multiTenant: request.tenantIds.length > 1 };
  }

  private async one(
    credential: TokenCredential,
    request: SpTokenRequest,
    signal?: AbortSignal,
  ): Promise<IssuedToken> {
    const started = this.nowMs();
    let outcome: 'ok' | 'rejected' | 'unavailable' = 'unavailable';
    try {
      const token = await this.budget.run(
        () => this.withTimeout(credential, request.resource, signal),
        signal,
      );
      outcome = 'ok';
      const nowSec = Math.floor(this.nowMs() / 1000);
      return {
        accessToken: token.token,
        expiresOn: Math.floor(token.expiresOnTimestamp / 1000),
        notBefore: nowSec,
        tokenType: token.tokenType ?? 'Bearer',
        clientId: request.clientId,
      };
    } catch (err) {
      const mapped = err instanceof NmiError ? err : (request.mapError ?? mapEntraError)(err);
      if (mapped.code === 'upstream-rejected') outcome = 'rejected';
      throw mapped;
    } finally {
      this.observe('entra', outcome, (this.nowMs() - started) / 1000);
    }
  }

  private async withTimeout(
    credential: TokenCredential,
    resource: string,
    signal?: AbortSignal,
  ): Promise<AccessToken> {
    const abort = AbortSignal.any([AbortSignal.timeout(this.timeoutMs * 2), ...(signal ? [signal] : [])]);
    let onAbort: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new NmiError('upstream-unavailable', 'Entra ID did not answer in time'));
      abort.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const token = await Promise.race([
        credential.getToken(resourceToScope(resource), { abortSignal: abort }),
        aborted,
      ]);
      if (!token) throw new NmiError('upstream-unavailable', 'Entra ID returned no token');
      return token;
    } finally {
      abort.removeEventListener('abort', onAbort);
    }
  }
}

/** @azure/identity errors → NmiError. Entra's 4xx answers (bad secret, unknown app) are "rejected". */
export function mapEntraError(err: unknown): NmiError {
  if (err instanceof NmiError) return err;
  const e = err as { name?: string; statusCode?: number; errorResponse?: { error?: string } };
  const status = e.statusCode;
  const code = e.errorResponse?.error;
  const rejected =
    e.name === 'AuthenticationRequiredError' ||
    (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) ||
    code === 'invalid_client' ||
    code === 'unauthorized_client';
  if (rejected) {
    return new NmiError(
      'upstream-rejected',
      `Entra ID refused the service principal${code ? ` (${code})` : ''}`,
      {
        upstreamStatus: status,
        upstreamError: code,
      },
    );
  }
  return new NmiError('upstream-unavailable', 'Entra ID token request failed', { upstreamStatus: status });
}
