// The request listener of the metadata port. The token route (nearly every request a node sees) goes
// straight to its handler; express serves the rest. Measured: express 5 answering a fixed body reaches
// 0.1-0.4 of bare node:http's requests/s, and NMI's routing is already a pure classifier. Express loads
// with the first request that needs it, which many nodes never see (docs/adr/0007).
import type { RequestListener } from 'node:http';
import { type AppDeps, createApp } from './app';
import { observeWhenFinished, sendError } from './respond';
import { classifyRequest } from './routes';
import { serveTokenRoute } from './token-endpoint';

export function createListener(deps: AppDeps): RequestListener {
  let app: Promise<RequestListener> | undefined;
  return (req, res) => {
    const classified = classifyRequest(req.url ?? '', deps.options);
    if (classified.route !== 'token') {
      (app ??= createApp(deps)).then(
        (serve) => serve(req, res),
        (err: unknown) => sendError(deps, err, res, classified.path),
      );
      return;
    }
    observeWhenFinished(deps, req, res, () => 'token', classified.path);
    serveTokenRoute(deps, req, res, classified).catch((err: unknown) =>
      sendError(deps, err, res, classified.path),
    );
  };
}
