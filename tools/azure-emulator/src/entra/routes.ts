// Entra ID routing: /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/token, keys.
import type { EmulatorCore } from '../core';
import type { EmuRequest, EmuResponse, ErrorShapes, Route, Router } from '../http/types';
import { aadErrorResponse, aadErrors } from './aadsts';
import { instanceDiscovery, openIdConfiguration } from './discovery';
import { tokenEndpoint } from './token-endpoint';

type Handler = (
  core: EmulatorCore,
  req: EmuRequest,
  tenantSegment: string,
) => EmuResponse | Promise<EmuResponse>;

interface EntraRoute {
  readonly operation: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly handler: Handler;
}

function withTenant(
  core: EmulatorCore,
  segment: string,
  run: (tenantId: string) => EmuResponse | Promise<EmuResponse>,
): EmuResponse | Promise<EmuResponse> {
  const tenant =
    core.state.findTenant(segment) ??
    (isCommon(segment) ? core.state.findTenant(core.state.defaultTenantId) : undefined);
  if (!tenant) return aadErrorResponse(aadErrors.tenantNotFound(segment), new Date(core.now()));
  return run(tenant.id);
}

const isCommon = (segment: string): boolean => ['common', 'organizations'].includes(segment.toLowerCase());

const ROUTES: EntraRoute[] = [
  {
    operation: 'openid-configuration',
    method: 'GET',
    pattern: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i,
    handler: (core, req, t) =>
      withTenant(core, t, (id) => ({ status: 200, json: openIdConfiguration(req.origin, id, 'v2') })),
  },
  {
    operation: 'openid-configuration-v1',
    method: 'GET',
    pattern: /^\/([^/]+)\/\.well-known\/openid-configuration$/i,
    handler: (core, req, t) =>
      withTenant(core, t, (id) => ({ status: 200, json: openIdConfiguration(req.origin, id, 'v1') })),
  },
  {
    operation: 'keys',
    method: 'GET',
    pattern: /^\/([^/]+)\/discovery(?:\/v2\.0)?\/keys$/i,
    handler: (core) => ({ status: 200, json: core.signer.jwks() }),
  },
  {
    operation: 'instance-discovery',
    method: 'GET',
    pattern: /^\/(common)\/discovery\/instance$/i,
    handler: (_core, req) => ({
      status: 200,
      json: instanceDiscovery(req.origin, req.query.get('authorization_endpoint')),
    }),
  },
  {
    operation: 'token',
    method: 'POST',
    pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/i,
    handler: (core, req, t) => {
      const tenant = core.state.findTenant(t);
      if (!tenant) return aadErrorResponse(aadErrors.tenantNotFound(t), new Date(core.now()));
      return tokenEndpoint(core, req, tenant, t, 'v2');
    },
  },
  {
    operation: 'token-v1',
    method: 'POST',
    pattern: /^\/([^/]+)\/oauth2\/token$/i,
    handler: (core, req, t) => {
      const tenant = core.state.findTenant(t);
      if (!tenant) return aadErrorResponse(aadErrors.tenantNotFound(t), new Date(core.now()));
      return tokenEndpoint(core, req, tenant, t, 'v1');
    },
  },
];

function clientOf(req: EmuRequest): string | undefined {
  if (req.method !== 'POST') return undefined;
  return new URLSearchParams(req.body.toString('utf8')).get('client_id') ?? undefined;
}

export function entraRouter(core: EmulatorCore): Router {
  return (req): Route => {
    const path = req.path.replace(/\/+$/, '');
    for (const route of ROUTES) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (req.method !== route.method) {
        return {
          operation: route.operation,
          handle: () => ({
            status: 405,
            json: {
              error: 'invalid_request',
              error_description: `AADSTS900561: The endpoint only accepts ${route.method} requests. Received a ${req.method} request.`,
            },
          }),
        };
      }
      return {
        operation: route.operation,
        resource: clientOf(req),
        handle: () => route.handler(core, req, match[1]),
      };
    }
    return {
      operation: 'unknown',
      handle: () => ({
        status: 404,
        json: { error: 'not_found', error_description: `No Entra ID endpoint at ${req.path}` },
      }),
    };
  };
}

export function entraErrorShapes(now: () => number): ErrorShapes {
  const at = (): Date => new Date(now());
  return {
    status: (status, code, message) =>
      aadErrorResponse(
        {
          status,
          error: code ?? (status >= 500 ? 'temporarily_unavailable' : 'invalid_request'),
          code: status >= 500 ? 90033 : 90000,
          message: message ?? 'Injected failure.',
        },
        at(),
      ),
    throttled: (retryAfter) => {
      const base = aadErrorResponse(aadErrors.throttled(), at());
      return { ...base, headers: { ...(base.headers ?? {}), 'Retry-After': String(retryAfter) } };
    },
    internal: () => aadErrorResponse(aadErrors.internal(), at()),
  };
}
