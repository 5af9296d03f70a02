// Type 0 tokens from the node's IMDS, for the identity's own client id, from the host network (where
// NMI runs, its calls do not pass the PREROUTING redirect). Every call is budgeted and timed out.
import { NmiError } from '../errors';
import type { UpstreamBudget } from './budget';
import { httpGet } from './http-get';
import type { IssuedToken, TokenSet } from './token';

export interface ImdsClientOptions {
  /** http://<metadata-ip>:<metadata-port> */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly userAgent: string;
}

export interface UpstreamObserver {
  (upstream: 'imds' | 'entra', outcome: 'ok' | 'rejected' | 'unavailable', seconds: number): void;
}

export class ImdsTokenClient {
  constructor(
    private readonly options: ImdsClientOptions,
    private readonly budget: UpstreamBudget,
    private readonly nowMs: () => number,
    private readonly observe: UpstreamObserver = () => undefined,
  ) {}

  async fetchToken(clientId: string, resource: string, signal?: AbortSignal): Promise<TokenSet> {
    const url = new URL('/metadata/identity/oauth2/token', this.options.baseUrl);
    url.searchParams.set('api-version', '2018-02-01');
    url.searchParams.set('resource', resource);
    url.searchParams.set('client_id', clientId);
    const started = this.nowMs();
    let outcome: 'ok' | 'rejected' | 'unavailable' = 'unavailable';
    try {
      const res = await this.budget.run(
        () =>
          httpGet(url, {
            headers: { Metadata: 'true', 'User-Agent': this.options.userAgent },
            timeoutMs: this.options.timeoutMs,
            maxBytes: 256 * 1024,
            signal,
          }),
        signal,
      );
      const set = interpretImdsResponse(res.status, res.body, Math.floor(this.nowMs() / 1000));
      outcome = 'ok';
      return set;
    } catch (err) {
      if (err instanceof NmiError && err.code === 'upstream-rejected') outcome = 'rejected';
      throw err;
    } finally {
      this.observe('imds', outcome, (this.nowMs() - started) / 1000);
    }
  }
}

/** IMDS answer → a token set, or the NmiError for its status. Exported for tests. */
export function interpretImdsResponse(status: number, body: string, nowSec: number): TokenSet {
  if (status === 200) return { tokens: [parseImdsToken(body, nowSec)], multiTenant: false };
  const { error, description } = oauthError(body);
  const text = `IMDS answered ${status}${error ? ` ${error}` : ''}${description ? `: ${description}` : ''}`;
  if (status === 400 || status === 401 || status === 403) {
    throw new NmiError('upstream-rejected', `failed to get token: ${text}`, {
      upstreamStatus: status,
      upstreamError: error,
    });
  }
  throw new NmiError('upstream-unavailable', `failed to get token: ${text}`, { upstreamStatus: status });
}

function parseImdsToken(body: string, nowSec: number): IssuedToken {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new NmiError('upstream-unavailable', 'IMDS answered 200 with a body that is not JSON');
  }
  const accessToken = json.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new NmiError('upstream-unavailable', 'IMDS answered 200 without access_token');
  }
  const expiresOn = numberField(json.expires_on) ?? nowSec + (numberField(json.expires_in) ?? 0);
  return {
    accessToken,
    expiresOn,
    notBefore: numberField(json.not_before) ?? nowSec,
    tokenType: typeof json.token_type === 'string' ? json.token_type : 'Bearer',
    clientId: typeof json.client_id === 'string' ? json.client_id : undefined,
  };
}

function numberField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
    return Math.floor(Date.parse(value) / 1000);
  return undefined;
}

function oauthError(body: string): { error?: string; description?: string } {
  try {
    const json = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    const error = typeof json.error === 'string' ? json.error : undefined;
    const description = typeof json.error_description === 'string' ? json.error_description : undefined;
    return { error, description: description?.slice(0, 300) };
  } catch {
    return { description: body.slice(0, 200).trim() || undefined };
  }
}
