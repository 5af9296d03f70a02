import type { AccessToken, TokenCredential } from '@azure/identity';
import { IDENTITY_TYPES } from '@pod-identity/crd-types';
import { KubeApiError } from '@pod-identity/kube';
import { ManualClock } from '@pod-identity/platform';
import { NmiError } from '../errors';
import type { IdentityInfo, PodInfo } from '../identity/model';
import { UpstreamBudget } from './budget';
import { TokenCache } from './cache';
import { type CredentialRequest, EntraTokenClient } from './entra-client';
import { FederatedTokenSource, type ServiceAccountTokenRequest } from './federated-source';

const T0 = 1_700_000_000_000;
const CLIENT = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

function identity(spec: Partial<IdentityInfo['spec']> = {}): IdentityInfo {
  return {
    namespace: 'team-a',
    name: 'reader-id',
    annotations: {},
    spec: { type: IDENTITY_TYPES.UserAssignedMSI, clientID: CLIENT, tenantID: 'tenant-1', ...spec },
    backend: 'Federated',
  };
}

function pod(name: string, serviceAccount?: string): PodInfo {
  return {
    namespace: 'team-a',
    name,
    uid: `uid-${name}`,
    labels: {},
    phase: 'Running',
    ips: ['10.0.0.1'],
    serviceAccount,
  };
}

describe('FederatedTokenSource', () => {
  let clock: ManualClock;
  let minted: ServiceAccountTokenRequest[];
  let exchanged: Array<CredentialRequest & { scope: string }>;
  let mintFails: unknown;
  let warnings: string[];
  let source: FederatedTokenSource;

  beforeEach(() => {
    clock = new ManualClock(T0);
    minted = [];
    exchanged = [];
    mintFails = undefined;
    warnings = [];
    const credentials = (req: CredentialRequest): TokenCredential => ({
      getToken: async (scope: string | string[]): Promise<AccessToken> => {
        exchanged.push({ ...req, scope: String(scope) });
        return { token: `entra-token-${exchanged.length}`, expiresOnTimestamp: clock.now() + 3600_000 };
      },
    });
    const budget = new UpstreamBudget(
      { ratePerSec: 100, burst: 100, maxConcurrent: 4, maxWaitMs: 1000 },
      clock,
    );
    const entra = new EntraTokenClient(credentials, budget, () => clock.now(), 5000);
    const cache = new TokenCache(
      { maxEntries: 10, minRemainingSec: 300, refreshFraction: 0.5, staleGraceSec: 30, random: () => 0 },
      clock,
    );
    const mint = async (req: ServiceAccountTokenRequest): Promise<string> => {
      minted.push(req);
      if (mintFails) throw mintFails;
      return `sa-token-of-${req.serviceAccount}`;
    };
    source = new FederatedTokenSource({
      cache,
      entra,
      mint,
      options: {
        defaultAuthorityHost: 'https://login.example/',
        defaultTenantId: 'cluster-tenant',
        timeoutMs: 5000,
      },
      logger: { warn: (_f: unknown, m?: string) => warnings.push(m ?? '') },
      nowMs: () => clock.now(),
    });
  });

  it("mints a 10-minute token of the pod's own ServiceAccount, bound to the pod, and presents it as the assertion", async () => {
    const result = await source.get(identity(), pod('p1', 'reader'), 'https://vault.azure.net');
    expect(minted).toEqual([
      {
        namespace: 'team-a',
        serviceAccount: 'reader',
        podName: 'p1',
        podUid: 'uid-p1',
        audience: 'api://AzureADTokenExchange',
        expirationSeconds: 600,
        timeoutMs: 5000,
      },
    ]);
    expect(exchanged).toEqual([
      expect.objectContaining({
        tenantId: 'tenant-1',
        clientId: CLIENT,
        authorityHost: 'https://login.example/',
        material: { kind: 'assertion', assertion: 'sa-token-of-reader' },
        scope: 'https://vault.azure.net/.default',
      }),
    ]);
    expect(result.set.tokens[0]).toMatchObject({ accessToken: 'entra-token-1', clientId: CLIENT });
  });

  it('caches per ServiceAccount: a second pod of one ServiceAccount shares the token, another ServiceAccount does not', async () => {
    await source.get(identity(), pod('p1', 'reader'), 'r');
    expect((await source.get(identity(), pod('p2', 'reader'), 'r')).outcome).toBe('hit');
    expect((await source.get(identity(), pod('p3', 'writer'), 'r')).outcome).toBe('miss');
    expect((await source.get(identity(), pod('p4'), 'r')).outcome).toBe('miss');
    expect(minted.map((m) => m.serviceAccount)).toEqual(['reader', 'writer', 'default']);
  });

  it("uses the identity's authority and tenant, else the defaults", async () => {
    await source.get(
      identity({ tenantID: undefined, adEndpoint: 'https://login.sovereign.example/' }),
      pod('p1'),
      'r',
    );
    expect(exchanged[0]).toMatchObject({
      tenantId: 'cluster-tenant',
      authorityHost: 'https://login.sovereign.example/',
    });
  });

  it('refuses (retryable) an identity without any tenant, before any TokenRequest', async () => {
    const bare = new FederatedTokenSource({
      cache: new TokenCache(
        { maxEntries: 1, minRemainingSec: 0, refreshFraction: 0.5, staleGraceSec: 0 },
        clock,
      ),
      entra: {} as EntraTokenClient,
      mint: async () => 'x',
      options: { defaultAuthorityHost: 'h', timeoutMs: 1 },
      logger: { warn: () => undefined },
    });
    expect(() => bare.get(identity({ tenantID: undefined }), pod('p1'), 'r')).toThrow(
      expect.objectContaining({
        code: 'credential-unavailable',
        message: expect.stringContaining('--federated-tenant-id'),
      }),
    );
  });

  it.each([
    [403, 'credential-unavailable', "grant its ClusterRole 'create' on 'serviceaccounts/token'"],
    [404, 'credential-unavailable', undefined],
    [409, 'credential-unavailable', undefined],
    [500, 'upstream-unavailable', 'TokenRequest failed'],
  ])('a TokenRequest answered %d becomes %s, and no exchange is tried', async (status, code, warning) => {
    mintFails = new KubeApiError(status, 'x', 'refused');
    const err = await source.get(identity(), pod('gone', 'reader'), 'r').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NmiError);
    expect((err as NmiError).code).toBe(code);
    expect(exchanged).toHaveLength(0);
    expect(warnings).toEqual(warning ? [expect.stringContaining(warning)] : []);
  });

  it('warns about a missing permission once a minute, not once per request', async () => {
    mintFails = new KubeApiError(403, 'Forbidden', 'no');
    for (let i = 0; i < 3; i++) await source.get(identity(), pod('p1'), 'r').catch(() => undefined);
    expect(warnings).toHaveLength(1);
    clock.set(T0 + 61_000);
    await source.get(identity(), pod('p1'), 'r').catch(() => undefined);
    expect(warnings).toHaveLength(2);
  });
});
