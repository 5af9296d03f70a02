// IMDS handlers without sockets: identity choice per node, errors, propagation, limits.
import { type TestCore, testCore, request } from '../testing/core';
import type { EmuResponse } from '../http/types';
import { imdsRouter } from './routes';
import { readSelector, selectIdentity } from './select';

const TOKEN =
  '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com';
let core: TestCore;

beforeEach(async () => {
  core = await testCore();
});

function call(
  nodeRef: string | undefined,
  path: string,
  headers: Record<string, string> = { metadata: 'true' },
  remoteAddress = '127.0.0.1',
): Promise<EmuResponse> {
  const listenerNode = nodeRef ? core.state.findNode(nodeRef) : undefined;
  return Promise.resolve(imdsRouter(core)(request({ path, headers, listenerNode, remoteAddress })).handle());
}

describe('IMDS token endpoint', () => {
  it('serves the only user-assigned identity when none is named', async () => {
    const res = await call('vm1', TOKEN);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      client_id: 'c1',
      resource: 'https://management.azure.com',
      token_type: 'Bearer',
    });
    expect(core.counters.snapshot().tokensIssued).toBe(1);
  });

  it('maps callers on the shared listener by source address', async () => {
    expect((await call(undefined, TOKEN, { metadata: 'true' }, '127.0.0.9')).status).toBe(200);
    expect((await call(undefined, TOKEN, { metadata: 'true' }, '::ffff:127.0.0.9')).status).toBe(200);
    const unknown = await call(undefined, TOKEN, { metadata: 'true' }, '127.0.0.77');
    expect(unknown.status).toBe(403);
  });

  it('gives a scale-set instance the scale set identities (system-assigned here)', async () => {
    const res = await call('ss_1', TOKEN);
    expect(res.status).toBe(200);
  });

  it('answers Identity not found for an identity of another VM', async () => {
    const res = await call('vm1', `${TOKEN}&client_id=c2`);
    expect(res).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', error_description: 'Identity not found' },
    });
  });

  it('rejects conflicting id parameters and bad resources', async () => {
    expect((await call('vm1', `${TOKEN}&client_id=c1&object_id=p1`)).status).toBe(400);
    const bad = await call(
      'vm1',
      '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=not%20a%20uri',
    );
    expect(bad).toMatchObject({ status: 400, json: { error: 'invalid_resource' } });
  });

  it('hides a fresh assignment for the propagation delay (400 or 404 as configured)', async () => {
    core.options = { ...core.options, imds: { ...core.options.imds, propagationDelayMs: 10_000 } };
    expect((await call('vm2', `${TOKEN}&client_id=c2`)).status).toBe(400);
    core.options = { ...core.options, imds: { ...core.options.imds, propagationStatus: 404 } };
    expect((await call('vm2', `${TOKEN}&client_id=c2`)).status).toBe(404);
    core.advance(10_000);
    expect((await call('vm2', `${TOKEN}&client_id=c2`)).status).toBe(200);
  });

  it('enforces the per-VM rate when asked', async () => {
    core.options = {
      ...core.options,
      imds: { ...core.options.imds, enforceLimits: true, requestsPerSecond: 2 },
    };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('vm1', TOKEN)).status);
    expect(statuses).toEqual([200, 200, 429]);
    core.advance(1000);
    expect((await call('vm1', TOKEN)).status).toBe(200);
  });

  it('rejects non-GET and unknown paths', async () => {
    const post = imdsRouter(core)(
      request({
        path: TOKEN,
        method: 'POST',
        headers: { metadata: 'true' },
        listenerNode: core.state.findNode('vm1'),
      }),
    );
    expect((await post.handle()).status).toBe(405);
    expect((await call('vm1', '/metadata/identity/oauth2/TOKEN?x')).status).toBe(404);
    expect((await call('vm1', '/nothing')).status).toBe(404);
  });
});

describe('selection rules', () => {
  const user = (n: string) => ({
    kind: 'user' as const,
    clientId: `c${n}`,
    principalId: `p${n}`,
    resourceId: `/x/${n}`,
    tenantId: 't',
  });
  const system = {
    kind: 'system' as const,
    clientId: 'cs',
    principalId: 'ps',
    resourceId: '/vm',
    tenantId: 't',
  };

  it('prefers the system identity when no id is given', () => {
    expect(selectIdentity([user('1'), system], undefined)).toEqual({ ok: true, identity: system });
  });

  it('is ambiguous with several user identities and no system one', () => {
    expect(selectIdentity([user('1'), user('2')], undefined)).toEqual({ ok: false, reason: 'ambiguous' });
    expect(selectIdentity([], undefined)).toEqual({ ok: false, reason: 'not-found' });
  });

  it('never hands out the system identity for a named id', () => {
    expect(selectIdentity([system], { by: 'client_id', value: 'cs' })).toEqual({
      ok: false,
      reason: 'not-found',
    });
  });

  it('reads mi_res_id as msi_res_id', () => {
    expect(readSelector(new URLSearchParams('mi_res_id=/x/1'))).toEqual({ by: 'msi_res_id', value: '/x/1' });
    expect(readSelector(new URLSearchParams('client_id=a&msi_res_id=b'))).toBe('conflict');
  });
});
