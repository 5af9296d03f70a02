// Public keys of external OIDC issuers (federated credentials): registered in the state, else fetched
// from `<issuer>/.well-known/openid-configuration` -> jwks_uri, with a bounded timeout.
import type { EmulatorState } from '../state/store';

export type Jwks = { keys: Record<string, unknown>[] };

export type JwksFetcher = (url: string, timeoutMs: number) => Promise<unknown>;

export const defaultFetcher: JwksFetcher = async (url, timeoutMs) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
};

function isJwks(value: unknown): value is Jwks {
  return typeof value === 'object' && value !== null && Array.isArray((value as Jwks).keys);
}

export class IssuerKeys {
  private readonly cache = new Map<string, { jwks: Jwks; at: number }>();

  constructor(
    private readonly state: EmulatorState,
    private readonly fetcher: JwksFetcher = defaultFetcher,
    private readonly now: () => number = Date.now,
    private readonly timeoutMs = 5000,
  ) {}

  /** The issuer's JWKS, or undefined when it cannot be obtained. */
  async get(issuer: string): Promise<Jwks | undefined> {
    const registered = this.state.issuers.get(issuer);
    if (registered) return registered.jwks;
    const cached = this.cache.get(issuer);
    if (cached && this.now() - cached.at < 5 * 60_000) return cached.jwks;
    try {
      const base = issuer.replace(/\/+$/, '');
      const config = (await this.fetcher(`${base}/.well-known/openid-configuration`, this.timeoutMs)) as {
        jwks_uri?: unknown;
      };
      if (typeof config?.jwks_uri !== 'string') return undefined;
      const jwks = await this.fetcher(config.jwks_uri, this.timeoutMs);
      if (!isJwks(jwks)) return undefined;
      this.cache.set(issuer, { jwks, at: this.now() });
      return jwks;
    } catch {
      return undefined;
    }
  }
}
