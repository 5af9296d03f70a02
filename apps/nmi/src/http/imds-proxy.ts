// Transparent forwarding to the node's real IMDS (every path that is not ours, and token requests of
// exception pods, unchanged). Bounded: request body size, upstream timeout, concurrency (shared budget).
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NmiError } from '../errors';
import type { UpstreamBudget } from '../tokens/budget';

export interface ProxyOptions {
  /** http://<metadata-ip>:<metadata-port> */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
]);

function forwardHeaders(
  headers: http.IncomingHttpHeaders | http.OutgoingHttpHeaders,
): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

export class ImdsProxy {
  constructor(
    private readonly options: ProxyOptions,
    private readonly budget: UpstreamBudget,
  ) {}

  /** Forwards `req` to IMDS at `pathAndQuery` and streams the answer back. */
  async forward(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<void> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.options.maxBodyBytes) throw new NmiError('bad-query', 'request body too large');
    await this.budget.run(() => this.exchange(req, res, pathAndQuery));
  }

  private exchange(req: IncomingMessage, res: ServerResponse, pathAndQuery: string): Promise<void> {
    const url = new URL(pathAndQuery, this.options.baseUrl);
    return new Promise<void>((resolve, reject) => {
      let answered = false;
      const upstream = http.request(url, {
        method: req.method,
        headers: forwardHeaders(req.headers),
        timeout: this.options.timeoutMs,
      });
      upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
      upstream.on('error', (err) => {
        if (!answered)
          reject(
            new NmiError(
              'upstream-unavailable',
              `metadata endpoint ${url.host} unreachable`,
              {},
              { cause: err },
            ),
          );
        else res.destroy(err);
      });
      upstream.on('response', (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, forwardHeaders(answer.headers));
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', () => resolve());
      });
      this.pipeBody(req, upstream);
    });
  }

  private pipeBody(req: IncomingMessage, upstream: http.ClientRequest): void {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.options.maxBodyBytes) {
        upstream.destroy(new Error('request body too large'));
        req.destroy();
        return;
      }
      upstream.write(chunk);
    });
    req.on('end', () => upstream.end());
    req.on('error', (err) => upstream.destroy(err));
  }
}
