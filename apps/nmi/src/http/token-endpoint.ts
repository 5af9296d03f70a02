// GET /metadata/identity/oauth2/token: the caller's pod by source IP, the exception bypass, the
// identity choice (with the bounded assignment wait) and the token, with the IMDS success body.
// node:http types only: this route is served without express (listener.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NmiError } from '../errors';
import { canonicalIp } from '../identity/ip';
import { serializeTokenSet } from '../tokens/token';
import type { AppDeps } from './app';
import { auditTokenIssued, issueToken } from './issue';
import { rejectForwarded, requireMetadataHeader, requireShortUrl } from './request-guards';
import { abortOnClose, sendJson } from './respond';
import type { ClassifiedRequest } from './routes';
import { parseTokenQuery } from './token-query';

/** The token route with the checks every metadata route applies first. */
export async function serveTokenRoute(
  deps: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: ClassifiedRequest,
): Promise<void> {
  requireShortUrl(req.url ?? '', deps.options.maxUrlLength);
  requireMetadataHeader(deps.options.metadataHeaderRequired, req);
  rejectForwarded(req);
  await handleToken(deps, req, res, target);
}

async function handleToken(
  deps: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  target: ClassifiedRequest,
): Promise<void> {
  if (req.method !== 'GET') throw new NmiError('method-not-allowed', 'only GET is supported');
  const query = parseTokenQuery(target.query);
  const ip = canonicalIp(req.socket.remoteAddress);
  if (!ip) throw new NmiError('caller-address-missing', 'request remote address is empty');
  const signal = abortOnClose(res);
  const pod = await deps.resolver.podForIp(ip, signal);
  if (deps.isException(pod)) {
    deps.logger.info(
      {
        audit: 'exception-forwarded',
        pod: `${pod.namespace}/${pod.name}`,
        podUid: pod.uid,
        resource: query.resource,
      },
      'exception pod: forwarded to IMDS',
    );
    return deps.proxy.forward(req, res, `${target.path}?${target.query}`);
  }
  const issued = await issueToken(pod, query, deps.resolver, deps.tokens, signal);
  deps.metrics.cache.inc({ outcome: issued.result.outcome });
  sendJson(
    res,
    200,
    serializeTokenSet(issued.result.set, query.resource, Math.floor(deps.clock.now() / 1000)),
  );
  auditTokenIssued(deps.logger, { route: 'token', pod, issued, resource: query.resource });
}
