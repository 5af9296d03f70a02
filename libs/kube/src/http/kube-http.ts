// Raw JSON requests (and NDJSON watch streams) to the apiserver. Authentication and TLS come from
// KubeCredentials (applyToHTTPSOptions: certs, bearer tokens, rotating in-cluster tokens).
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { KubeCredentials } from '../config/kube-credentials';
import { AgentCache, type AgentPurpose } from './agent-cache';
import { KubeApiError, KubeTransportError } from './errors';

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. /api/v1/namespaces/default/pods */
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  /** Default application/json; patches pass their patch type. */
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Overrides the client's default timeout. */
  readonly timeoutMs?: number;
}

export interface KubeHttpOptions {
  /** Bound for a whole non-watch request (default 30 000 ms). */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
  /** Largest response body accepted (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** Connections for requests at most; watch streams have their own (default 8, see AgentCache). */
  readonly maxRequestSockets?: number;
}

/** A running stream; abort() ends it (onEnd then receives no error). */
export interface StreamHandle {
  abort(): void;
}

export interface StreamCallbacks {
  /** One parsed JSON document per line. */
  readonly onObject: (value: unknown) => void;
  /** Called once: undefined for a clean end (or abort), the error otherwise. */
  readonly onEnd: (err?: unknown) => void;
}

export class KubeHttp {
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly agents: AgentCache;

  constructor(
    readonly kubeConfig: KubeCredentials,
    private readonly options: KubeHttpOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.agents = new AgentCache(options.maxRequestSockets);
  }

  /** Sends a request and parses the JSON answer. Non-2xx -> KubeApiError; no answer -> KubeTransportError. */
  async request<T>(req: KubeRequest): Promise<T> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const { url, options } = await this.prepare(req, payload);
    const operation = `${req.method} ${req.path}`;
    return new Promise<T>((resolve, reject) => {
      const request = this.send(url, options, req, (res) => {
        readBody(res, this.maxBodyBytes)
          .then((body) => {
            const status = res.statusCode ?? 0;
            if (status < 200 || status >= 300)
              return reject(KubeApiError.fromResponse(status, body, operation));
            resolve((body === '' ? undefined : JSON.parse(body)) as T);
          })
          .catch((err: unknown) => reject(transportError(operation, err)));
      });
      request.on('error', (err) => reject(transportError(operation, err)));
      request.setTimeout(req.timeoutMs ?? this.timeoutMs, () =>
        request.destroy(new Error(`no answer within ${req.timeoutMs ?? this.timeoutMs} ms`)),
      );
      request.end(payload);
    });
  }

  /**
   * GETs a streaming endpoint (watch) and calls onObject per line. Resolves once the response
   * headers arrived with 200 (a non-200 answer rejects with KubeApiError). `connectTimeoutMs` bounds
   * the wait for headers; the stream itself is unbounded (the caller's watchdog aborts it).
   */
  async stream(
    req: KubeRequest,
    callbacks: StreamCallbacks,
    connectTimeoutMs = 30_000,
  ): Promise<StreamHandle> {
    const { url, options } = await this.prepare(req, undefined, 'stream');
    const operation = `${req.method} ${req.path}`;
    return new Promise<StreamHandle>((resolve, reject) => {
      let aborted = false;
      let started = false;
      let ended = false;
      const end = (err?: unknown): void => {
        if (ended) return;
        ended = true;
        callbacks.onEnd(aborted ? undefined : err);
      };
      const request: ClientRequest = this.send(url, options, req, (res) => {
        request.setTimeout(0);
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          readBody(res, 1024 * 1024)
            .then((body) => reject(KubeApiError.fromResponse(status, body, operation)))
            .catch((err: unknown) => reject(transportError(operation, err)));
          return;
        }
        started = true;
        resolve({ abort: () => ((aborted = true), request.destroy()) });
        pipeLines(res, callbacks.onObject, end);
      });
      request.on('error', (err) => {
        if (started) end(transportError(operation, err));
        else reject(transportError(operation, err));
      });
      request.setTimeout(connectTimeoutMs, () =>
        request.destroy(new Error(`no answer within ${connectTimeoutMs} ms`)),
      );
      request.end();
    });
  }

  /** Closes pooled idle connections (they do not keep the process alive either way). */
  close(): void {
    this.agents.close();
  }

  private async prepare(
    req: KubeRequest,
    payload?: string,
    purpose: AgentPurpose = 'request',
  ): Promise<{ url: URL; options: https.RequestOptions }> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeTransportError('the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const options: https.RequestOptions = {
      method: req.method,
      headers: {
        Accept: 'application/json',
        // An explicit length: Node sends a DELETE body unframed, which on a kept-alive connection the
        // server reads as the start of the next request (400 Bad Request).
        ...(payload === undefined
          ? {}
          : {
              'Content-Type': req.contentType ?? 'application/json',
              'Content-Length': Buffer.byteLength(payload),
            }),
        ...(this.options.userAgent ? { 'User-Agent': this.options.userAgent } : {}),
      },
    };
    await this.kubeConfig.applyToHTTPSOptions(options);
    // Reuse connections (client-node makes a new agent, hence a new TLS handshake, per call).
    options.agent = this.agents.reuse(options.agent, purpose);
    return { url, options };
  }

  private send(
    url: URL,
    options: https.RequestOptions,
    req: KubeRequest,
    onResponse: (res: IncomingMessage) => void,
  ): ClientRequest {
    const lib = url.protocol === 'http:' ? http : https;
    return lib.request(url, { ...options, signal: req.signal }, onResponse);
  }
}

function pipeLines(
  res: IncomingMessage,
  onObject: (value: unknown) => void,
  end: (err?: unknown) => void,
): void {
  const lines = createInterface({ input: res, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return end(new KubeTransportError(`watch stream sent a line that is not JSON (${line.length} bytes)`));
    }
    onObject(value);
  });
  res.on('error', (err) => end(err));
  // readline re-emits input errors on the interface; without a listener they would be uncaught.
  lines.on('error', (err) => end(err));
  res.on('aborted', () => end(new KubeTransportError('watch stream aborted by the server')));
  lines.on('close', () => end());
}

function readBody(res: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.destroy(new Error(`response larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function transportError(operation: string, err: unknown): KubeTransportError {
  if (err instanceof KubeTransportError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new KubeTransportError(`${operation}: ${message}`, { cause: err });
}
