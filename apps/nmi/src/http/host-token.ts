// /host/token: for host processes (e.g. a CSI driver) asking on behalf of a pod named by the podns and
// podname headers. The original trusted those headers from anyone on the host; here the endpoint is
// off unless enabled, and then the caller must present a ServiceAccount token that the API server
// accepts (TokenReview, with our audience) for one of the allowed ServiceAccounts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { NmiError } from '../errors';
import { canonicalIp } from '../identity/ip';
import { isLivePhase } from '../identity/model';
import { tokenBody } from '../tokens/token';
import type { AppDeps } from './app';
import { auditTokenIssued, issueToken } from './issue';
import { abortOnClose, sendJson } from './respond';
import { parseTokenQuery } from './token-query';

export interface ReviewResult {
  readonly authenticated: boolean;
  readonly username?: string;
}

export interface HostTokenAuth {
  /** TokenReview of a bearer token for the configured audience. */
  review(token: string): Promise<ReviewResult>;
  /** ServiceAccounts allowed to call, as "namespace/name". */
  readonly allowed: ReadonlySet<string>;
}

const SA_PREFIX = 'system:serviceaccount:';

export async function handleHostToken(
  deps: AppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  rawQuery: string,
): Promise<void> {
  const auth = deps.hostAuth;
  if (!auth) throw new NmiError('host-token-disabled', '/host/token is disabled on this node');
  const remote = canonicalIp(req.socket.remoteAddress);
  if (remote !== '127.0.0.1' && remote !== '::1') {
    throw new NmiError('host-token-forbidden', 'request remote address is not from a host');
  }
  await authenticate(auth, req.headers.authorization);
  const podns = header(req, 'podns');
  const podname = header(req, 'podname');
  if (!podns || !podname)
    throw new NmiError('host-token-bad-request', "missing 'podname' and 'podns' from request header");
  const query = parseTokenQuery(rawQuery);
  const pod = deps.resolver.podOnNode(podns, podname);
  if (!pod || !isLivePhase(pod.phase))
    throw new NmiError(
      'identity-not-found',
      `Identity not found: pod ${podns}/${podname} is not running on this node`,
    );
  const issued = await issueToken(pod, query, deps.resolver, deps.tokens, abortOnClose(res));
  deps.metrics.cache.inc({ outcome: issued.result.outcome });
  const first = issued.result.set.tokens[0];
  const body = {
    token: tokenBody(first, query.resource, Math.floor(deps.clock.now() / 1000)),
    clientid: issued.identity.spec.clientID ?? '',
  };
  sendJson(res, 200, JSON.stringify(body));
  auditTokenIssued(deps.logger, { route: 'host-token', pod, issued, resource: query.resource });
}

async function authenticate(auth: HostTokenAuth, authorization: string | undefined): Promise<void> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new NmiError('host-token-unauthenticated', 'a ServiceAccount bearer token is required');
  let review: ReviewResult;
  try {
    review = await auth.review(match[1]);
  } catch (err) {
    throw new NmiError('upstream-unavailable', 'token review failed', {}, { cause: err });
  }
  if (!review.authenticated || !review.username)
    throw new NmiError('host-token-unauthenticated', 'the bearer token was not accepted');
  const account = review.username.startsWith(SA_PREFIX)
    ? review.username.slice(SA_PREFIX.length).replace(':', '/')
    : '';
  if (!auth.allowed.has(account))
    throw new NmiError('host-token-forbidden', 'this ServiceAccount may not use /host/token');
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
