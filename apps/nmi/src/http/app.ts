// The express app for the metadata routes other than the token route: the proxy to IMDS, /host/token
// and the refusals. One dispatcher (routes.ts decides), one error handler rendering through the error
// table. The token route, nearly all of a node's traffic, is served before express (listener.ts).
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '@pod-identity/platform';
import { NmiError } from '../errors';
import type { PodInfo } from '../identity/model';
import type { Resolver } from '../identity/resolver';
import type { NmiMetrics } from '../ops/metrics';
import type { TokenService } from '../tokens/token-service';
import type { Clock } from '../util/clock';
import type { ErrorRenderOptions } from './error-table';
import type { HostTokenAuth } from './host-token';
import { handleHostToken } from './host-token';
import type { ImdsProxy } from './imds-proxy';
import { rejectForwarded, requireMetadataHeader, requireShortUrl } from './request-guards';
import { observeWhenFinished, sendError } from './respond';
import { classifyRequest, type Route } from './routes';
import { serveTokenRoute } from './token-endpoint';

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

/** Loads express on first use: the token route never needs it (listener.ts). */
export async function createApp(deps: AppDeps): Promise<Express> {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', false);
  app.use((req: Request, res: Response, next: NextFunction) => {
    observeWhenFinished(deps, req, res, () => (res.locals.route as Route | undefined) ?? 'invalid', req.path);
    next();
  });
  app.use((req: Request, res: Response) => dispatch(deps, req, res));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) =>
    sendError(deps, err, res, req.path),
  );
  return app;
}

async function dispatch(deps: AppDeps, req: Request, res: Response): Promise<void> {
  const target = req.originalUrl;
  const classified = classifyRequest(target, deps.options);
  res.locals.route = classified.route;
  requireShortUrl(target, deps.options.maxUrlLength);
  switch (classified.route) {
    case 'invalid':
      throw new NmiError('invalid-path', 'Invalid request');
    case 'blocked':
      throw new NmiError('instance-metadata-blocked', 'Request blocked by AAD Pod Identity NMI');
    case 'host-token':
      rejectForwarded(req);
      return handleHostToken(deps, req, res, classified.query);
    case 'token':
      // listener.ts serves this route before express; the app alone stays complete.
      return serveTokenRoute(deps, req, res, classified);
    case 'proxy':
      requireMetadataHeader(deps.options.metadataHeaderRequired, req);
      rejectForwarded(req);
      return deps.proxy.forward(
        req,
        res,
        classified.query ? `${classified.path}?${classified.query}` : classified.path,
      );
  }
}
