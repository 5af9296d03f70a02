// One bounded HTTP GET: a per-request timeout, a response size cap, abort support. Network failures
// and timeouts become upstream-unavailable; the caller interprets statuses.
import http from 'node:http';
import { NmiError } from '../errors';

export interface HttpGetOptions {
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export interface HttpGetResult {
  readonly status: number;
  readonly body: string;
}

export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpGetResult> {
  return new Promise<HttpGetResult>((resolve, reject) => {
    const fail = (why: string, cause?: unknown): void =>
      reject(new NmiError('upstream-unavailable', `upstream ${url.host} ${why}`, {}, { cause }));
    const req = http.request(url, {
      method: 'GET',
      headers: options.headers,
      timeout: options.timeoutMs,
      signal: options.signal,
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => fail(err.message === 'timeout' ? 'timed out' : 'unreachable', err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) req.destroy(new Error('response too large'));
        else chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (err) => fail('response failed', err));
    });
    req.end();
  });
}
