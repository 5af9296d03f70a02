// The node:http(s) adapter: body reading, routing, counters, faults (latency, status, drop, hang), logging.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Counters } from '../counters';
import type { FaultAction, FaultRules, ServiceName } from '../faults/rules';
import type { SimNode } from '../state/model';
import { formatOrigin, type ListenAddress } from './listen-address';
import type { EmuRequest, EmuResponse, ErrorShapes, RequestLogEntry, Route, Router } from './types';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface ServeContext {
  readonly service: ServiceName;
  readonly router: Router;
  readonly errors: ErrorShapes;
  readonly faults: FaultRules;
  readonly counters: Counters;
  readonly log: (entry: RequestLogEntry) => void;
  /** Headers every response of this service carries (e.g. x-ms-request-id). */
  readonly defaultHeaders?: () => Record<string, string>;
}

export interface ListenerOptions {
  readonly address: ListenAddress;
  readonly tls?: { key: string; cert: string };
  /** For per-node IMDS listeners: the node key this listener serves. */
  readonly nodeKey?: string;
  readonly resolveNode?: (key: string) => SimNode | undefined;
}

export interface Listener {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function writeResponse(res: ServerResponse, response: EmuResponse, defaults: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  const body =
    response.text !== undefined
      ? response.text
      : response.json !== undefined
        ? JSON.stringify(response.json)
        : '';
  const contentType =
    response.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
  const headers: Record<string, string | string[]> = { ...defaults, ...(response.headers ?? {}) };
  if (body !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = contentType;
  }
  headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(response.status, headers);
  res.end(body);
}

class Pending {
  readonly timers = new Set<NodeJS.Timeout>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

function splitUrl(rawUrl: string): { rawPath: string; query: URLSearchParams } {
  const q = rawUrl.indexOf('?');
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  return { rawPath, query: new URLSearchParams(q === -1 ? '' : rawUrl.slice(q + 1)) };
}

/** Answers an injected fault; undefined when the connection is dropped or left hanging. */
function faultResponse(
  action: FaultAction,
  ctx: ServeContext,
  res: ServerResponse,
  pending: Pending,
): EmuResponse | undefined {
  switch (action.type) {
    case 'drop':
      res.socket?.destroy();
      return undefined;
    case 'hang': {
      if (action.ms !== undefined) void pending.sleep(action.ms).then(() => res.socket?.destroy());
      return undefined;
    }
    case 'throttle':
      return ctx.errors.throttled(action.retryAfterSeconds ?? 1);
    case 'status': {
      const base = ctx.errors.status(action.status, action.code, action.message);
      if (action.retryAfterSeconds === undefined) return base;
      return {
        ...base,
        headers: { ...(base.headers ?? {}), 'Retry-After': String(action.retryAfterSeconds) },
      };
    }
    default:
      return undefined;
  }
}

function buildRequest(
  ctx: ServeContext,
  opts: ListenerOptions,
  scheme: 'http' | 'https',
  req: IncomingMessage,
  body: Buffer,
): EmuRequest {
  const { rawPath, query } = splitUrl(req.url ?? '/');
  const fallbackHost = formatOrigin(scheme, opts.address.host, opts.address.port).replace(/^\w+:\/\//, '');
  return {
    service: ctx.service,
    method: (req.method ?? 'GET').toUpperCase(),
    rawPath,
    path: rawPath.replace(/\/{2,}/g, '/'),
    query,
    headers: req.headers,
    body,
    remoteAddress: (req.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    // The Host header, so links (issuer, nextLink, Azure-AsyncOperation) use the name the client used.
    origin: `${scheme}://${req.headers.host ?? fallbackHost}`,
    listenerNode: opts.nodeKey ? opts.resolveNode?.(opts.nodeKey) : undefined,
  };
}

function classify(ctx: ServeContext, emu: EmuRequest): Route {
  try {
    return ctx.router(emu);
  } catch {
    return { operation: 'unroutable', handle: () => ctx.errors.internal() };
  }
}

/** Injected latency first, then either the injected failure or the real handler. */
async function respond(
  ctx: ServeContext,
  route: Route,
  actions: FaultAction[],
  res: ServerResponse,
  pending: Pending,
): Promise<EmuResponse | undefined> {
  for (const action of actions) if (action.type === 'latency') await pending.sleep(action.ms);
  const terminal = actions.find((a) => a.type !== 'latency');
  if (terminal) {
    ctx.counters.fault();
    return faultResponse(terminal, ctx, res, pending);
  }
  try {
    return await route.handle();
  } catch {
    return ctx.errors.internal();
  }
}

function faultLabel(actions: FaultAction[]): string | undefined {
  if (actions.length === 0) return undefined;
  return (actions.find((a) => a.type !== 'latency') ?? actions[0]).type;
}

async function handle(
  ctx: ServeContext,
  opts: ListenerOptions,
  scheme: 'http' | 'https',
  pending: Pending,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const started = Date.now();
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    writeResponse(res, ctx.errors.status(413, 'RequestEntityTooLarge', 'The request body is too large.'), {});
    return;
  }
  const emu = buildRequest(ctx, opts, scheme, req, body);
  const route = classify(ctx, emu);
  ctx.counters.request(ctx.service, route.operation, route.resource);
  const actions = ctx.faults.take({
    service: ctx.service,
    operation: route.operation,
    resource: route.resource,
    method: emu.method,
  });
  const response = await respond(ctx, route, actions, res, pending);
  if (response) {
    ctx.counters.status(response.status);
    if (response.status === 429) ctx.counters.throttle();
    writeResponse(res, response, ctx.defaultHeaders?.() ?? {});
  }
  ctx.log({
    time: new Date(started).toISOString(),
    service: ctx.service,
    method: emu.method,
    path: emu.rawPath,
    operation: route.operation,
    resource: route.resource,
    status: response?.status ?? 0,
    durationMs: Date.now() - started,
    fault: faultLabel(actions),
    remoteAddress: emu.remoteAddress,
  });
}

export async function startListener(ctx: ServeContext, opts: ListenerOptions): Promise<Listener> {
  const pending = new Pending();
  const scheme = opts.tls ? 'https' : 'http';
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(ctx, opts, scheme, pending, req, res).catch(() => res.socket?.destroy());
  };
  const server: Server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.address.port, opts.address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: formatOrigin(scheme, opts.address.host, port),
    host: opts.address.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        pending.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
