import { ManualClock } from '@pod-identity/platform';
import { TokenCache, type TokenCacheOptions } from './cache';
import type { TokenSet } from './token';

const OPTIONS: TokenCacheOptions = {
  maxEntries: 3,
  minRemainingSec: 300,
  refreshFraction: 0.5,
  staleGraceSec: 30,
  random: () => 0,
};
const T0 = 1_700_000_000_000;

function set(name: string, expiresOn: number): TokenSet {
  return {
    tokens: [{ accessToken: name, expiresOn, notBefore: expiresOn - 3600, tokenType: 'Bearer' }],
    multiTenant: false,
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('TokenCache', () => {
  let clock: ManualClock;
  let cache: TokenCache;
  const nowSec = (): number => Math.floor(clock.now() / 1000);

  beforeEach(() => {
    clock = new ManualClock(T0);
    cache = new TokenCache(OPTIONS, clock);
  });

  it('miss, then hit without another upstream call', async () => {
    const fetch = jest.fn(async () => set('t1', nowSec() + 3600));
    expect((await cache.get('k', fetch)).outcome).toBe('miss');
    const second = await cache.get('k', fetch);
    expect(second.outcome).toBe('hit');
    expect(second.set.tokens[0].accessToken).toBe('t1');
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('coalesces concurrent misses into one upstream call', async () => {
    const gate = deferred<TokenSet>();
    const fetch = jest.fn(() => gate.promise);
    const all = Promise.all([cache.get('k', fetch), cache.get('k', fetch), cache.get('k', fetch)]);
    gate.resolve(set('t', nowSec() + 3600));
    const results = await all;
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.outcome).sort()).toEqual(['coalesced', 'coalesced', 'miss']);
  });

  it('refreshes in the background after half the lifetime and keeps serving the old token meanwhile', async () => {
    await cache.get('k', async () => set('old', nowSec() + 3600));
    await clock.advance(1801_000);
    const gate = deferred<TokenSet>();
    const refresh = jest.fn(() => gate.promise);
    const during = await cache.get('k', refresh);
    expect(during).toMatchObject({ outcome: 'hit' });
    expect(during.set.tokens[0].accessToken).toBe('old');
    expect(cache.inflightCount()).toBe(1);
    await cache.get('k', refresh);
    expect(refresh).toHaveBeenCalledTimes(1);
    gate.resolve(set('new', nowSec() + 3600));
    await gate.promise;
    await Promise.resolve();
    expect((await cache.get('k', refresh)).set.tokens[0].accessToken).toBe('new');
  });

  it('does not serve a token close to expiry as a hit', async () => {
    await cache.get('k', async () => set('old', nowSec() + 3600));
    await clock.advance((3600 - 299) * 1000);
    const result = await cache.get('k', async () => set('new', nowSec() + 3600));
    expect(result.outcome).toBe('miss');
    expect(result.set.tokens[0].accessToken).toBe('new');
  });

  it('serves a still-valid token when the upstream fails (outage)', async () => {
    await cache.get('k', async () => set('old', nowSec() + 3600));
    await clock.advance((3600 - 200) * 1000);
    const result = await cache.get('k', async () => {
      throw new Error('IMDS down');
    });
    expect(result).toMatchObject({ outcome: 'stale' });
  });

  it('fails when the upstream fails and nothing valid is cached', async () => {
    await cache.get('k', async () => set('old', nowSec() + 3600));
    await clock.advance((3600 - 10) * 1000);
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await expect(cache.get('other', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
  });

  it('is bounded: the least recently used entry goes first', async () => {
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => set(k, nowSec() + 3600));
    await cache.get('a', async () => set('a2', nowSec() + 3600));
    await cache.get('d', async () => set('d', nowSec() + 3600));
    expect(cache.size()).toBe(3);
    expect((await cache.get('a', async () => set('a3', nowSec() + 3600))).outcome).toBe('hit');
    expect((await cache.get('b', async () => set('b2', nowSec() + 3600))).outcome).toBe('miss');
  });

  it('keys are independent', async () => {
    await cache.get('k1', async () => set('one', nowSec() + 3600));
    const other = await cache.get('k2', async () => set('two', nowSec() + 3600));
    expect(other).toMatchObject({ outcome: 'miss' });
    expect(other.set.tokens[0].accessToken).toBe('two');
  });
});
