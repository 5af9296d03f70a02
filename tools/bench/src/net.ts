// Loopback HTTP helpers: free ports, one request from a chosen source address, Prometheus text parsing,
// bounded polling.
import http from 'node:http';
import { createServer } from 'node:net';
import { pollUntil } from '@pod-identity/platform';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** GET http://127.0.0.1:<port><path> from `from` (a 127.x address), new connection each time. */
export function get(
  port: number,
  path: string,
  from = '127.0.0.1',
  headers: Record<string, string> = { Metadata: 'true' },
  timeoutMs = 30_000,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, localAddress: from, headers, timeout: timeoutMs, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

export const tokenPath = (resource: string, clientId?: string): string =>
  `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}${clientId ? `&client_id=${clientId}` : ''}`;

/** Sum of every sample of `name` (optionally only those whose labels contain `labelMatch`). */
export function metricSum(text: string, name: string, labelMatch?: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (labelMatch && !rest.includes(labelMatch)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) sum += value;
  }
  return sum;
}

/** Thrown inside an `until` check to stop waiting at once (e.g. the process under test exited). */
export class Fatal extends Error {}

/** Polls `check` every `intervalMs` until true; throws after `timeoutMs` (platform's pollUntil). */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 50,
): Promise<void> {
  await pollUntil(what, check, { timeoutMs, intervalMs, isFatal: (err) => err instanceof Fatal });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function pool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
