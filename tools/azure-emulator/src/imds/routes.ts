// IMDS routing: /metadata is case-insensitive, the rest case-sensitive; `//` collapsed; /token and /token/.
import type { EmulatorCore } from '../core';
import { type EmuRequest, type EmuResponse, header, type Route, type Router } from '../http/types';
import type { SimNode } from '../state/model';
import { IMDS_SERVER_HEADER, imdsErrors } from './errors';
import { IMDS_NEWEST_VERSIONS, instanceDocument, instanceResponse } from './instance';
import { checkTokenRequest, issueImdsToken } from './token';

/** The node a request comes from: its own listener first, else its source address. */
export function callerNode(core: EmulatorCore, req: EmuRequest): SimNode | undefined {
  return req.listenerNode ?? core.state.nodeByAddress(req.remoteAddress);
}

function withLimits(
  core: EmulatorCore,
  node: SimNode,
  run: () => Promise<EmuResponse>,
): Promise<EmuResponse> {
  const imds = core.options.imds;
  if (!imds.enforceLimits) return run();
  const release = core.imdsLimiter.acquire(node.key, core.now(), imds.requestsPerSecond, imds.maxConcurrent);
  if (!release)
    return Promise.resolve({
      ...imdsErrors.throttled(),
      headers: { ...IMDS_SERVER_HEADER, 'Retry-After': '1' },
    });
  return run().finally(release);
}

function tokenRoute(core: EmulatorCore, req: EmuRequest): Route {
  const node = callerNode(core, req);
  return {
    operation: 'identity/oauth2/token',
    resource: node?.key,
    handle: async () => {
      const invalid = checkTokenRequest(req);
      if (invalid) return invalid;
      if (!node) return imdsErrors.unknownCaller(req.remoteAddress);
      return withLimits(core, node, () => issueImdsToken(core, req, node));
    },
  };
}

function instanceRoute(core: EmulatorCore, req: EmuRequest, segments: string[]): Route {
  const node = callerNode(core, req);
  return {
    operation: 'instance',
    resource: node?.key,
    handle: () => {
      if (req.method !== 'GET') return imdsErrors.methodNotAllowed();
      if (header(req, 'metadata') !== 'true') return imdsErrors.metadataHeader();
      if (!/^\d{4}-\d{2}-\d{2}$/.test(req.query.get('api-version') ?? '')) {
        return {
          status: 400,
          headers: { ...IMDS_SERVER_HEADER },
          json: {
            error:
              'Bad request. api-version is invalid or was not specified in the request. For more information refer to aka.ms/azureimds',
            'newest-versions': IMDS_NEWEST_VERSIONS,
          },
        };
      }
      if (!node) return imdsErrors.unknownCaller(req.remoteAddress);
      return instanceResponse(instanceDocument(node), segments, req.query.get('format'));
    },
  };
}

export function imdsRouter(core: EmulatorCore): Router {
  return (req) => {
    const segments = req.path.split('/').filter((s) => s !== '');
    if (segments[0]?.toLowerCase() !== 'metadata')
      return { operation: 'unknown', handle: () => imdsErrors.notFound() };
    const rest = segments.slice(1);
    if (rest.join('/') === 'identity/oauth2/token') return tokenRoute(core, req);
    if (rest[0] === 'identity') {
      return { operation: 'identity/other', handle: () => imdsErrors.notFound() };
    }
    if (rest[0] === 'instance') return instanceRoute(core, req, rest.slice(1));
    if (rest[0] === 'versions') {
      return {
        operation: 'versions',
        handle: () => ({
          status: 200,
          headers: { ...IMDS_SERVER_HEADER },
          json: { apiVersions: IMDS_NEWEST_VERSIONS },
        }),
      };
    }
    return { operation: 'unknown', handle: () => imdsErrors.notFound() };
  };
}
