// ARM handlers without sockets: auth, error shapes, LRO, conflicts, paging.
import { accessTokenClaims } from '../tokens/claims';
import { type TestCore, testCore, request, T_SUB, T_TENANT } from '../testing/core';
import type { EmuResponse } from '../http/types';
import { armRouter } from './routes';
import { checkArmClaims } from './auth';

const BASE = `/subscriptions/${T_SUB}/resourceGroups/rg/providers/Microsoft.Compute`;
let core: TestCore;
let token: string;

beforeEach(async () => {
  core = await testCore();
  token = await core.signer.sign(
    accessTokenClaims(
      { tenantId: T_TENANT, objectId: 'sp-oid', appId: 'sp', appidacr: '1' },
      'https://management.azure.com/',
      { nowSeconds: Math.floor(core.now() / 1000), lifetimeSeconds: 3600 },
    ),
  );
});

function arm(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<EmuResponse> {
  const req = request({
    service: 'arm',
    method,
    path,
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
  });
  return Promise.resolve(armRouter(core)(req).handle());
}

const errorCode = (res: EmuResponse): string => (res.json as { error: { code: string } }).error.code;

describe('ARM request checks', () => {
  it('requires api-version and a bearer token', async () => {
    expect(errorCode(await arm('GET', `${BASE}/virtualMachines/vm1`))).toBe('MissingApiVersionParameter');
    const req = request({ service: 'arm', path: `${BASE}/virtualMachines/vm1?api-version=x` });
    const res = await armRouter(core)(req).handle();
    expect(res.status).toBe(401);
    expect(res.headers?.['WWW-Authenticate']).toMatch(/^Bearer authorization_uri=/);
  });

  it('rejects a tampered token', async () => {
    token = `${token.slice(0, -4)}AAAA`;
    expect(errorCode(await arm('GET', `${BASE}/virtualMachines/vm1?api-version=x`))).toBe(
      'InvalidAuthenticationToken',
    );
  });

  it('checks expiry and audience', () => {
    const now = Date.UTC(2030, 0, 1);
    const claims = { exp: now / 1000 + 60, aud: 'https://management.azure.com/' };
    expect(checkArmClaims(claims, now, 'https://x')).toBeUndefined();
    expect(checkArmClaims({ ...claims, exp: now / 1000 - 1 }, now, 'https://x')?.code).toBe(
      'ExpiredAuthenticationToken',
    );
    expect(checkArmClaims({ ...claims, aud: 'https://vault.azure.net' }, now, 'https://x')?.code).toBe(
      'InvalidAuthenticationTokenAudience',
    );
    expect(checkArmClaims({ ...claims, aud: 'https://x/' }, now, 'https://x')).toBeUndefined();
  });

  it('answers 404s in ARM order and for unknown paths', async () => {
    expect(
      errorCode(
        await arm(
          'GET',
          `/subscriptions/nope/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1?api-version=x`,
        ),
      ),
    ).toBe('SubscriptionNotFound');
    expect(
      errorCode(
        await arm(
          'GET',
          `/subscriptions/${T_SUB}/resourceGroups/nope/providers/Microsoft.Compute/virtualMachines/vm1?api-version=x`,
        ),
      ),
    ).toBe('ResourceGroupNotFound');
    expect(errorCode(await arm('GET', `${BASE}/virtualMachines/nope?api-version=x`))).toBe(
      'ResourceNotFound',
    );
    expect((await arm('GET', `/subscriptions/${T_SUB}/whatever?api-version=x`)).status).toBe(404);
    expect((await arm('DELETE', `${BASE}/virtualMachines/vm1?api-version=x`)).status).toBe(405);
  });

  it('answers bad JSON with InvalidRequestContent, never a crash', async () => {
    expect(errorCode(await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=x`, '{not json'))).toBe(
      'InvalidRequestContent',
    );
    expect(errorCode(await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=x`, '[]'))).toBe(
      'InvalidRequestContent',
    );
  });
});

describe('ARM writes', () => {
  const add = {
    identity: {
      type: 'UserAssigned',
      userAssignedIdentities: {
        [`/subscriptions/${T_SUB}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/two`]:
          {},
      },
    },
  };

  it('answers 200 + Azure-AsyncOperation; the operation completes after its duration', async () => {
    core.options = { ...core.options, operationDurationMs: { vm: 5000, vmss: 0 } };
    const res = await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=2026-03-01`, add);
    expect(res.status).toBe(200);
    expect((res.json as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
      'Updating',
    );
    const opUrl = new URL(String(res.headers?.['Azure-AsyncOperation']));
    expect(opUrl.searchParams.get('api-version')).toBe('2026-03-01');
    const poll = () => arm('GET', `${opUrl.pathname}${opUrl.search}`);
    expect((await poll()).json).toMatchObject({ status: 'InProgress' });
    expect((await poll()).headers?.['Retry-After']).toBe('1');
    expect(errorCode(await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=x`, add))).toBe('Conflict');
    core.advance(5000);
    expect((await poll()).json).toMatchObject({ status: 'Succeeded' });
    const vm = (await arm('GET', `${BASE}/virtualMachines/vm1?api-version=x`)).json as Record<
      string,
      unknown
    >;
    expect(vm).toMatchObject({ etag: '"2"', properties: { provisioningState: 'Succeeded' } });
  });

  it('honours If-Match', async () => {
    const res = await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=x`, add, { 'if-match': '"7"' });
    expect(errorCode(res)).toBe('PreconditionFailed');
  });

  it('answers synchronously in sync mode', async () => {
    core.options = { ...core.options, lroMode: 'sync' };
    const res = await arm('PATCH', `${BASE}/virtualMachines/vm1?api-version=x`, add);
    expect(res.headers?.['Azure-AsyncOperation']).toBeUndefined();
    expect((res.json as { properties: { provisioningState: string } }).properties.provisioningState).toBe(
      'Succeeded',
    );
  });

  it('creates a VM with PUT (201) and counts writes', async () => {
    const res = await arm('PUT', `${BASE}/virtualMachines/new-vm?api-version=x`, { location: 'westeurope' });
    expect(res.status).toBe(201);
    expect(core.state.findNode('new-vm')).toBeDefined();
    expect(core.counters.snapshot().writes[`${BASE}/virtualMachines/new-vm`.toLowerCase()]).toBe(1);
  });

  it('pages lists with absolute nextLinks', async () => {
    core.options = { ...core.options, pageSize: 1 };
    const first = (await arm('GET', `${BASE}/virtualMachines?api-version=x`)).json as {
      value: unknown[];
      nextLink: string;
    };
    expect(first.value).toHaveLength(1);
    const next = new URL(first.nextLink);
    expect(next.origin).toBe('https://127.0.0.1:4443');
    const second = (await arm('GET', `${next.pathname}${next.search}`)).json as {
      value: unknown[];
      nextLink?: string;
    };
    expect(second.value).toHaveLength(1);
    expect(second.nextLink).toBeUndefined();
  });
});
