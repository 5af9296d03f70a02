// The application inside a pod network namespace: the unchanged @azure/identity ManagedIdentityCredential
// with its default endpoint (169.254.169.254), or a plain HTTP poller. Bundled by esbuild and run as
// `ip netns exec <pod ns> node pod-client.js …`. Prints one JSON line; never prints a token.
//   token <resource> [deadlineMs]   getToken until it succeeds or the deadline passes (new credential each try)
//   poll <resource> <durationMs>    GET the token endpoint every 100 ms; tallies statuses and errors
import { request } from 'node:http';
import { ManagedIdentityCredential } from '@azure/identity';
import { decodeClaims } from '../claims';

const METADATA = '169.254.169.254';

interface TokenResult {
  readonly ok: boolean;
  readonly attempts: number;
  readonly claims?: Record<string, unknown>;
  readonly expiresOn?: number;
  readonly error?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function token(resource: string, deadlineMs: number): Promise<TokenResult> {
  const deadline = Date.now() + deadlineMs;
  let attempts = 0;
  let error = '';
  while (attempts === 0 || Date.now() < deadline) {
    attempts++;
    try {
      const t = await new ManagedIdentityCredential().getToken(`${resource}/.default`);
      return { ok: true, attempts, claims: decodeClaims(t.token), expiresOn: t.expiresOnTimestamp };
    } catch (err) {
      error = (err as Error).message;
    }
    if (Date.now() < deadline) await sleep(500);
  }
  return { ok: false, attempts, error };
}

function getOnce(resource: string): Promise<string> {
  const path = `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}`;
  return new Promise((resolve) => {
    const req = request(
      { host: METADATA, port: 80, path, headers: { Metadata: 'true' }, timeout: 2000 },
      (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.statusCode)));
        res.on('error', () => resolve('response-error'));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.end();
  });
}

async function poll(resource: string, durationMs: number): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const outcome = await getOnce(resource);
    tally[outcome] = (tally[outcome] ?? 0) + 1;
    await sleep(100);
  }
  return tally;
}

async function main(argv: string[]): Promise<unknown> {
  const [mode, resource, ms] = argv;
  if (mode === 'token' && resource) return token(resource, Number(ms ?? 0));
  if (mode === 'poll' && resource && ms) return { tally: await poll(resource, Number(ms)) };
  throw new Error('usage: pod-client token <resource> [deadlineMs] | poll <resource> <durationMs>');
}

main(process.argv.slice(2)).then(
  (result) => console.log(JSON.stringify(result)),
  (err: Error) => {
    console.error(`pod-client: ${err.message}`);
    process.exit(2);
  },
);
