// Load through autocannon 9. autocannon connects with `net.connect(port, host)` and has no option for a
// local address, so while a run is active `net.connect` calls to the target port are given a source
// address (`localAddress`) round-robin over the pods' 127.x addresses: each autocannon connection is one
// pod. Nothing else is changed and the original function is restored when the run ends. Latencies are
// taken from autocannon's per-response event (float ms; its own histogram rounds to whole ms).
import net from 'node:net';
import autocannon from 'autocannon';
import { percentile } from './stats';

export interface LoadOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationSec?: number;
  readonly amount?: number;
  readonly overallRate?: number;
  /** Source addresses, one per connection round-robin; none = the default (127.0.0.1). */
  readonly sources?: readonly string[];
  readonly path: string | ((n: number) => string);
  readonly headers?: Record<string, string>;
}

export interface LoadResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Count per HTTP status. */
  readonly statuses: Record<string, number>;
}

type Connect = typeof net.connect;

function withSources<T>(
  port: number,
  sources: readonly string[] | undefined,
  body: () => Promise<T>,
): Promise<T> {
  if (!sources || sources.length === 0) return body();
  const original: Connect = net.connect;
  let next = 0;
  const patched = ((...args: unknown[]) => {
    if (args[0] === port && typeof args[1] === 'string') {
      const localAddress = sources[next++ % sources.length];
      return original({ port, host: args[1], localAddress });
    }
    return (original as (...a: unknown[]) => net.Socket)(...args);
  }) as Connect;
  net.connect = patched;
  return body().finally(() => {
    net.connect = original;
  });
}

function runOnce(options: LoadOptions, samples: number[]): Promise<autocannon.Result> {
  const pathFor = options.path;
  let counter = 0;
  const request: autocannon.Request =
    typeof pathFor === 'string'
      ? { method: 'GET', path: pathFor }
      : { method: 'GET', setupRequest: (req) => ({ ...req, path: pathFor(counter++) }) };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${options.port}`,
        connections: options.connections,
        duration: options.durationSec ?? 5,
        amount: options.amount,
        overallRate: options.overallRate,
        headers: options.headers ?? { Metadata: 'true' },
        requests: [request],
        timeout: 10,
        // NMI closes a connection after 1,000 requests (server.maxRequestsPerSocket) with `Connection: close`;
        // autocannon ignores that header, so it reconnects on its own at the same count (both servers).
        reconnectRate: 1000,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      if (samples.length < 2_000_000) samples.push(responseTime);
    });
  });
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const samples: number[] = [];
  const result = await withSources(options.port, options.sources, () => runOnce(options, samples));
  return {
    rps: result['2xx'] / Math.max(result.duration, 0.001),
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v?.count ?? 0]),
    ),
  };
}
