// Writing answers with node:http alone, so the same code serves the express routes and the token route
// that bypasses express (listener.ts). Every answer carries Content-Length: no chunked encoding.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AppDeps } from './app';
import { renderError } from './error-table';
import type { Route } from './routes';

export const JSON_UTF8 = 'application/json; charset=utf-8';

/** A complete JSON answer in one write. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: string,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { ...headers, 'Content-Type': JSON_UTF8, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Renders any thrown value through the error table; a half-sent answer is cut instead. */
export function sendError(deps: AppDeps, err: unknown, res: ServerResponse, path: string): void {
  const rendered = renderError(err, deps.options);
  if (rendered.code === 'internal') deps.logger.error({ err, path }, 'request failed');
  else deps.logger.debug({ code: rendered.code, path, msg2: (err as Error).message }, 'request refused');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, rendered.status, rendered.body, rendered.headers);
}

/** Counts and times the request when its answer is finished. Paths are logged without the query. */
export function observeWhenFinished(
  deps: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  route: () => Route,
  path: string,
): void {
  const started = deps.clock.now();
  res.once('finish', () => {
    const seconds = (deps.clock.now() - started) / 1000;
    const r = route();
    deps.metrics.requests.inc({ route: r, status: String(res.statusCode) });
    deps.metrics.requestDuration.observe({ route: r }, seconds);
    deps.logger.debug(
      {
        method: req.method,
        path,
        route: r,
        status: res.statusCode,
        remote: req.socket.remoteAddress,
        seconds,
      },
      'request',
    );
  });
}

/** Aborts when the client goes away before the answer is written (ends the waits early). */
export function abortOnClose(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
