import { KubeApiError, type KubeHttp, type KubeRequest } from '@pod-identity/kube';
import type { TargetRef } from '../plan/model';
import { ConfigMapLedgerStore } from './ledger-store';

const target: TargetRef = {
  kind: 'vmss',
  subscriptionId: 's',
  resourceGroup: 'rg',
  name: 'pool',
  key: 'vmss:s/rg/pool',
};

/** An in-memory ConfigMap endpoint: enough of the apiserver for the store (pure logic under test). */
function fakeHttp() {
  const calls: string[] = [];
  let stored: { rv: number; identities: string } | undefined;
  const refuse = (method: string, rv: string | undefined): void => {
    if (method === 'POST' && stored) throw new KubeApiError(409, 'AlreadyExists', 'exists');
    if (method === 'PUT' && !stored) throw new KubeApiError(404, 'NotFound', 'not found');
    if (method === 'PUT' && rv !== String(stored?.rv)) throw new KubeApiError(409, 'Conflict', 'stale');
  };
  const answer = (): unknown => ({
    metadata: { resourceVersion: String(stored?.rv) },
    data: { identities: stored?.identities },
  });
  const http = {
    async request<T>(req: KubeRequest): Promise<T> {
      calls.push(req.method);
      const body = req.body as
        { metadata?: { resourceVersion?: string }; data?: { identities?: string } } | undefined;
      if (req.method === 'GET') {
        if (!stored) throw new KubeApiError(404, 'NotFound', 'not found');
        return answer() as T;
      }
      refuse(req.method, body?.metadata?.resourceVersion);
      stored = { rv: (stored?.rv ?? 0) + 1, identities: body?.data?.identities ?? '' };
      return answer() as T;
    },
  };
  return {
    http: http as unknown as KubeHttp,
    calls,
    drop: () => (stored = undefined),
    bump: () => stored && stored.rv++,
  };
}

describe('ConfigMapLedgerStore', () => {
  it('reads a record once, then answers from what it read or wrote', async () => {
    const { http, calls } = fakeHttp();
    const store = new ConfigMapLedgerStore(http, 'ns');
    expect([...(await store.get(target))]).toEqual([]);
    await store.set(target, ['b', 'a']);
    expect([...(await store.get(target))].sort()).toEqual(['a', 'b']);
    expect(calls).toEqual(['GET', 'POST']);
  });

  it('reads the stored record when asked for a fresh one', async () => {
    const { http, calls } = fakeHttp();
    const store = new ConfigMapLedgerStore(http, 'ns');
    await store.set(target, ['a']);
    await store.get(target, { fresh: true });
    expect(calls).toEqual(['GET', 'POST', 'GET']);
  });

  it('forgets a record changed or deleted elsewhere, and reads it again next time', async () => {
    const { http, calls, bump, drop } = fakeHttp();
    const store = new ConfigMapLedgerStore(http, 'ns');
    await store.set(target, ['a']);
    bump();
    await expect(store.set(target, ['a', 'b'])).rejects.toMatchObject({ statusCode: 409 });
    await store.set(target, ['a', 'b']);
    drop();
    await expect(store.set(target, ['a'])).rejects.toMatchObject({ statusCode: 404 });
    expect([...(await store.get(target))]).toEqual([]);
    expect(calls).toEqual(['GET', 'POST', 'PUT', 'GET', 'PUT', 'PUT', 'GET']);
  });
});
