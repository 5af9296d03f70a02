// The express app on the NMI port: one dispatcher (routes.ts decides), handlers, and one error
// handler that renders through the error table. Requests are measured and logged without queries
// (they carry client ids) and without headers (Authorization).
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@pod-identity/platform';
import { NmiError } from '../errors';
import type { PodInfo } from '../identity/model';
import type { Resolver } from '../identity/resolver';
import type { NmiMetrics } from '../ops/metrics';
import type { TokenService } from '../tokens/token-service';
import type { Clock } from '../util/clock';
import { type ErrorRenderOptions, renderError } from './error-table';
import type { HostTokenAuth } from './host-token';
import { handleHostToken } from './host-token';
import type { ImdsProxy } from './imds-proxy';
import { classifyRequest, type Route } from './routes';
import { handleToken } from './token-endpoint';

export interface AppOptions extends ErrorRenderOptions {
  readonly metadataHeaderRequired: boolean;
  readonly blockInstanceMetadata: boolean;
  readonly maxUrlLength: number;
}

export interface AppDeps {
  readonly options: AppOptions;
  readonly resolver: Resolver;
  readonly tokens: TokenService;
  readonly proxy: ImdsProxy;
  readonly isException: (pod: PodInfo) => boolean;
  readonly hostAuth: HostTokenAuth | undefined;
  readonly logger: Logger;
  readonly metrics: NmiMetrics;
  readonly clock: Clock;
}

export const METADATA_HEADER_TEXT = 'Required metadata header not specified';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = deps.clock.now();
    res.on('finish', () => observe(deps, req, res, (deps.clock.now() - started) / 1000));
    next();
  });
  app.use((req: Request, res: Response) => dispatch(deps, req, res));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendError(deps, err, req, res));
  return app;
}

async function dispatch(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const target = req.originalUrl;
  const classified = classifyRequest(target, deps.options);
  res.locals.route = classified.route;
  if (target.length > deps.options.maxUrlLength) throw new NmiError('bad-query', 'request URL too long');
  switch (classified.route) {
    case 'invalid':
      throw new NmiError('invalid-path', 'Invalid request');
    case 'blocked':
      throw new NmiError('instance-metadata-blocked', 'Request blocked by AAD Pod Identity NMI');
    case 'host-token':
      rejectForwarded(req);
      return handleHostToken(deps, req, res, classified.query);
    case 'token':
      requireMetadataHeader(deps, req);
      rejectForwarded(req);
      return handleToken(deps, req, res, classified);
    case 'proxy':
      requireMetadataHeader(deps, req);
      rejectForwarded(req);
      return deps.proxy.forward(req, res, classified.query ? `${classified.path}?${classified.query}` : classified.path);
  }
}

function requireMetadataHeader(deps: AppDeps, req: Request): void {
  if (deps.options.metadataHeaderRequired && req.headers.metadata !== 'true') {
    throw new NmiError('metadata-header-missing', METADATA_HEADER_TEXT);
  }
}

/** IMDS refuses requests that carry X-Forwarded-For (an SSRF signal); so does NMI. */
function rejectForwarded(req: Request): void {
  if (req.headers['x-forwarded-for'] !== undefined) {
    throw new NmiError('forwarded-request', 'Requests with an X-Forwarded-For header are not accepted');
  }
}

function sendError(deps: AppDeps, err: unknown, req: Request, res: Response): void {
  const rendered = renderError(err, deps.options);
  if (rendered.code === 'internal') deps.logger.error({ err, path: req.path }, 'request failed');
  else deps.logger.debug({ code: rendered.code, path: req.path, msg2: (err as Error).message }, 'request refused');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(rendered.status).set(rendered.headers).send(rendered.body);
}

function observe(deps: AppDeps, req: Request, res: Response, seconds: number): void {
  const route = (res.locals.route as Route | undefined) ?? 'invalid';
  deps.metrics.requests.inc({ route, status: String(res.statusCode) });
  deps.metrics.requestDuration.observe({ route }, seconds);
  deps.logger.debug(
    { method: req.method, path: req.path, route, status: res.statusCode, remote: req.socket.remoteAddress, seconds },
    'request',
  );
}
