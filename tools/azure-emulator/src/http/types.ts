// Transport-free request/response shapes: routers and handlers are plain functions over these,
// so unit tests call them without sockets and the node:http adapter stays thin.
import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceName } from '../faults/rules';
import type { SimNode } from '../state/model';

export interface EmuRequest {
  readonly service: ServiceName;
  readonly method: string;
  /** Path as sent (without query). */
  readonly rawPath: string;
  /** Path with repeated slashes collapsed. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly remoteAddress: string;
  /** Public origin of the listener that took the request, e.g. https://127.0.0.1:4443. */
  readonly origin: string;
  /** For IMDS: the node whose own listener took the request (if it has one). */
  readonly listenerNode?: SimNode;
}

export interface EmuResponse {
  readonly status: number;
  readonly headers?: Record<string, string | string[]>;
  /** Serialized as JSON unless `text` is given. */
  readonly json?: unknown;
  readonly text?: string;
}

/** A classified request: what it is (for counters, logs and faults) and how to answer it. */
export interface Route {
  readonly operation: string;
  /** Resource id, node key or client id the request is about. */
  readonly resource?: string;
  handle(): Promise<EmuResponse> | EmuResponse;
}

export type Router = (req: EmuRequest) => Route;

/** Service-specific answer for injected faults (status / throttle) and internal errors. */
export interface ErrorShapes {
  status(status: number, code?: string, message?: string): EmuResponse;
  throttled(retryAfterSeconds: number): EmuResponse;
  internal(): EmuResponse;
}

export interface RequestLogEntry {
  readonly time: string;
  readonly service: ServiceName;
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly resource?: string;
  readonly status: number;
  readonly durationMs: number;
  readonly fault?: string;
  readonly remoteAddress: string;
}

export function header(req: EmuRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function jsonResponse(
  status: number,
  json: unknown,
  headers?: Record<string, string | string[]>,
): EmuResponse {
  return { status, json, ...(headers ? { headers } : {}) };
}
