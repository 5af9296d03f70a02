// One small HTTP server for /metrics, /healthz and /readyz, with bounded timeouts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named probe: true/resolved true = healthy. A throw, false or a timeout = unhealthy. */
export type HealthCheck = () => boolean | Promise<boolean>;

export interface ProbeServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Default 0.0.0.0 (kubelet probes and Prometheus scrape the pod IP); tests use 127.0.0.1. */
  readonly host?: string;
  /** Served on /metrics when given. */
  readonly registry?: Registry;
  /** /readyz is 200 only when every check passes. */
  readonly readinessChecks?: Readonly<Record<string, HealthCheck>>;
  /** /healthz is 200 only when every check passes (default: none, so "the process answers"). */
  readonly livenessChecks?: Readonly<Record<string, HealthCheck>>;
  /** Bound for each check (default 2000 ms). */
  readonly checkTimeoutMs?: number;
  /** Bound for a whole request including headers (default 10 000 ms). */
  readonly requestTimeoutMs?: number;
}

export interface ProbeServer {
  readonly port: number;
  /** http://host:port */
  readonly url: string;
  /** Stops listening and closes open connections; safe to call twice. */
  close(): Promise<void>;
}

export interface CheckReport {
  readonly ok: boolean;
  readonly results: ReadonlyArray<{ readonly name: string; readonly ok: boolean }>;
}

/** Runs checks concurrently, each bounded by timeoutMs. */
export async function runChecks(
  checks: Readonly<Record<string, HealthCheck>>,
  timeoutMs: number,
): Promise<CheckReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => ({ name, ok: await runOne(check, timeoutMs) })),
  );
  return { ok: results.every((r) => r.ok), results };
}

async function runOne(check: HealthCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return (await Promise.race([Promise.resolve().then(check), timeout])) === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const server = createServer((req, res) => {
    handle(req, res, options, checkTimeoutMs).catch(() => send(res, 500, 'internal error\n'));
  });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(requestTimeoutMs, 5000);
  server.keepAliveTimeout = 5000;
  server.maxHeadersCount = 50;
  server.setTimeout(requestTimeoutMs, (socket) => socket.destroy());
  const host = options.host ?? '0.0.0.0';
  await listen(server, options.port, host);
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  options: ProbeServerOptions,
  checkTimeoutMs: number,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://probe');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
  switch (url.pathname) {
    case '/metrics':
      if (!options.registry) return send(res, 404, 'not found\n');
      return send(res, 200, await options.registry.metrics(), options.registry.contentType);
    case '/healthz':
    case '/livez':
      return sendReport(res, await runChecks(options.livenessChecks ?? {}, checkTimeoutMs), url);
    case '/readyz':
      return sendReport(res, await runChecks(options.readinessChecks ?? {}, checkTimeoutMs), url);
    default:
      return send(res, 404, 'not found\n');
  }
}

function sendReport(res: ServerResponse, report: CheckReport, url: URL): void {
  const verbose = url.searchParams.has('verbose') || !report.ok;
  const lines = verbose
    ? report.results.map((r) => `[${r.ok ? '+' : '-'}]${r.name} ${r.ok ? 'ok' : 'failed'}`)
    : [];
  lines.push(report.ok ? 'ok' : 'failed');
  send(res, report.ok ? 200 : 503, `${lines.join('\n')}\n`);
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}
