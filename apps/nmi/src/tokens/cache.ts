// Token cache per (identity, resource). Hits are served from memory; once half of a token's lifetime
// (minus jitter) has passed, a hit also starts one background refresh; concurrent misses for one key
// share one upstream call; the entry count is bounded (least recently used goes first). When the
// upstream fails, a cached token that is still valid is served ("stale"), so an IMDS outage is survived.
// Authorisation happens before the cache is asked: the key only says which token, never who may have it.
import type { Clock } from '../util/clock';
import { setExpiresOn, type TokenSet } from './token';

export interface TokenCacheOptions {
  readonly maxEntries: number;
  /** A hit needs at least this much validity left (SDKs refetch tokens expiring within 5 min). */
  readonly minRemainingSec: number;
  /** Fraction of the lifetime after which a hit triggers a background refresh. */
  readonly refreshFraction: number;
  /** On upstream failure, a cached token with at least this much validity left is served. */
  readonly staleGraceSec: number;
  /** Returns [0, 1); spreads refreshes of tokens fetched together. */
  readonly random?: () => number;
}

export type CacheOutcome = 'hit' | 'miss' | 'coalesced' | 'stale';

export interface CacheResult {
  readonly set: TokenSet;
  readonly outcome: CacheOutcome;
}

interface Entry {
  readonly set: TokenSet;
  readonly expiresOn: number;
  readonly refreshAt: number;
}

export type Fetcher = () => Promise<TokenSet>;

export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly options: TokenCacheOptions,
    private readonly clock: Clock,
    private readonly onBackgroundError: (key: string, err: unknown) => void = () => undefined,
  ) {}

  async get(key: string, fetch: Fetcher): Promise<CacheResult> {
    const nowSec = this.nowSec();
    const entry = this.entries.get(key);
    if (entry && nowSec < entry.expiresOn - this.options.minRemainingSec) {
      this.touch(key, entry);
      if (nowSec >= entry.refreshAt) this.refreshInBackground(key, fetch);
      return { set: entry.set, outcome: 'hit' };
    }
    const shared = this.inflight.has(key);
    try {
      const fresh = await this.load(key, fetch);
      return { set: fresh.set, outcome: shared ? 'coalesced' : 'miss' };
    } catch (err) {
      const stale = this.entries.get(key);
      if (stale && this.nowSec() < stale.expiresOn - this.options.staleGraceSec) {
        return { set: stale.set, outcome: 'stale' };
      }
      throw err;
    }
  }

  size(): number {
    return this.entries.size;
  }

  /** Number of upstream loads in flight (for tests and metrics). */
  inflightCount(): number {
    return this.inflight.size;
  }

  clear(): void {
    this.entries.clear();
  }

  private refreshInBackground(key: string, fetch: Fetcher): void {
    if (this.inflight.has(key)) return;
    this.load(key, fetch).catch((err: unknown) => this.onBackgroundError(key, err));
  }

  private load(key: string, fetch: Fetcher): Promise<Entry> {
    const existing = this.inflight.get(key);
    if (existing) return existing;
    const started = this.nowSec();
    const promise = fetch()
      .then((set) => {
        const entry = this.makeEntry(set, started);
        this.store(key, entry);
        return entry;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  private makeEntry(set: TokenSet, fetchedAt: number): Entry {
    const expiresOn = setExpiresOn(set);
    const lifetime = Math.max(0, expiresOn - fetchedAt);
    const jitter = 1 - 0.1 * (this.options.random ?? Math.random)();
    return { set, expiresOn, refreshAt: fetchedAt + lifetime * this.options.refreshFraction * jitter };
  }

  private store(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  private touch(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private nowSec(): number {
    return Math.floor(this.clock.now() / 1000);
  }
}
