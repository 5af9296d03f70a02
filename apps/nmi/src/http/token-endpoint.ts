// GET /metadata/identity/oauth2/token: the caller's pod by source IP, the exception bypass, the
// identity choice (with the bounded assignment wait) and the token, with the IMDS success body.
import type { Request, Response } from 'express';
import { NmiError } from '../errors';
import { canonicalIp } from '../identity/ip';
import { serializeTokenSet } from '../tokens/token';
import type { AppDeps } from './app';
import { auditTokenIssued, issueToken } from './issue';
import type { ClassifiedRequest } from './routes';
import { parseTokenQuery } from './token-query';

export async function handleToken(deps: AppDeps, req: Request, res: Response, target: ClassifiedRequest): Promise<void> {
  if (req.method !== 'GET') throw new NmiError('method-not-allowed', 'only GET is supported');
  const query = parseTokenQuery(target.query);
  const ip = canonicalIp(req.socket.remoteAddress);
  if (!ip) throw new NmiError('caller-address-missing', 'request remote address is empty');
  const signal = abortOnClose(res);
  const pod = await deps.resolver.podForIp(ip, signal);
  if (deps.isException(pod)) {
    deps.logger.info({ audit: 'exception-forwarded', pod: `${pod.namespace}/${pod.name}`, podUid: pod.uid, resource: query.resource }, 'exception pod: forwarded to IMDS');
    return deps.proxy.forward(req, res, `${target.path}?${target.query}`);
  }
  const issued = await issueToken(pod, query, deps.resolver, deps.tokens, signal);
  deps.metrics.cache.inc({ outcome: issued.result.outcome });
  const body = serializeTokenSet(issued.result.set, query.resource, Math.floor(deps.clock.now() / 1000));
  res.status(200).type('application/json; charset=utf-8').send(body);
  auditTokenIssued(deps.logger, { route: 'token', pod, issued, resource: query.resource });
}

/** Aborts when the client goes away before the answer is written (ends the waits early). */
export function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
