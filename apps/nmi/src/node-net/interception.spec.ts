import { ensureRouteLocalnet, ROUTE_LOCALNET } from './interception';

describe('route_localnet', () => {
  const readOnly = (): Promise<void> =>
    Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }));

  it('leaves it alone when it is already 1 (kube-proxy set it), without trying to write', async () => {
    const writes: string[] = [];
    const outcome = await ensureRouteLocalnet(
      async () => '1\n',
      async (p) => {
        writes.push(p);
      },
    );
    expect(outcome).toBe('already-on');
    expect(writes).toEqual([]);
  });

  it('sets it when it is 0 and /proc/sys is writable', async () => {
    const writes: [string, string][] = [];
    const outcome = await ensureRouteLocalnet(
      async () => '0\n',
      async (p, v) => {
        writes.push([p, v]);
      },
    );
    expect(outcome).toBe('set');
    expect(writes).toEqual([[ROUTE_LOCALNET, '1']]);
  });

  it('says it cannot be set when it is 0 and /proc/sys is read-only (a container without privileges)', async () => {
    expect(await ensureRouteLocalnet(async () => '0\n', readOnly)).toBe('not-settable');
  });

  it('tries the write when the value cannot be read', async () => {
    expect(
      await ensureRouteLocalnet(
        () => Promise.reject(new Error('ENOENT')),
        async () => undefined,
      ),
    ).toBe('set');
  });
});
