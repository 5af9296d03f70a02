// The listening socket for the metadata endpoint: bounded header size, timeouts for slow clients, and a
// graceful close that lets requests in flight finish (bounded) before connections are cut.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** Bytes for the request line plus headers (Node answers 431 above it). */
  readonly maxHeaderBytes: number;
  /** Whole request, headers included (slow clients are cut). */
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; node closes new ones above it (file descriptors stay bounded). */
  readonly maxConnections: number;
}

/**
 * Node enforces requestTimeout/headersTimeout only when it checks its connections, every 30 s by
 * default: a client dribbling headers would keep its socket far past --request-timeout. Checking a few
 * times per timeout keeps the cut within about 1.25 x the timeout, at the cost of one timer per server.
 */
export function connectionCheckIntervalMs(requestTimeoutMs: number): number {
  return Math.max(100, Math.min(1000, Math.floor(requestTimeoutMs / 4)));
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** Stops accepting, waits up to `graceMs` for requests in flight, then closes everything. */
  close(graceMs: number): Promise<void>;
}

export async function startServer(listener: RequestListener, options: ServerOptions): Promise<RunningServer> {
  const server = http.createServer(
    {
      maxHeaderSize: options.maxHeaderBytes,
      connectionsCheckingInterval: connectionCheckIntervalMs(options.requestTimeoutMs),
    },
    listener,
  );
  server.maxConnections = options.maxConnections;
  server.requestTimeout = options.requestTimeoutMs;
  server.headersTimeout = Math.min(options.headersTimeoutMs, options.requestTimeoutMs);
  server.keepAliveTimeout = options.keepAliveTimeoutMs;
  server.maxHeadersCount = 64;
  server.maxRequestsPerSocket = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    host: options.host,
    close: (graceMs) => (closing ??= drain(server, graceMs)),
  };
}

function drain(server: http.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
