// Test HTTP client that binds a pod's 127.x address as its source, so NMI sees that pod calling.
import http from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly from: string;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly body?: string;
  readonly timeoutMs?: number;
}

/** GET (or `method`) http://127.0.0.1:<port><path> from source address `from`. */
export function call(port: number, path: string, options: RequestOptions): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        localAddress: options.from,
        headers: options.headers ?? { Metadata: 'true' },
        timeout: options.timeoutMs ?? 20_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

export const tokenPath = (resource: string, extra = ''): string =>
  `/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(resource)}${extra}`;
