// ARM routing: api-version, bearer token, tenant, throttling, then the resource handlers.
import { randomUUID } from 'node:crypto';
import type { EmulatorCore } from '../core';
import type { ThrottleRefusal, ThrottleResult } from '../faults/throttler';
import type { EmuRequest, EmuResponse, ErrorShapes, Route, Router } from '../http/types';
import { authenticateArm } from './auth';
import { failure, isArmFailure } from './context';
import { dispatchArm } from './dispatch';
import { armErrorBody, armErrors } from './errors';
import { type ArmTarget, operationName, parseArmPath, policyGroup, targetResourceId } from './paths';

function throttledBody(
  refusal: ThrottleRefusal,
  subscriptionId: string,
  write: boolean,
): Record<string, unknown> {
  if (refusal.frontDoor) {
    return armErrorBody({
      status: 429,
      code: 'SubscriptionRequestsThrottled',
      message: `Number of '${write ? 'write' : 'read'}' requests for subscription '${subscriptionId}' exceeded. Please try again after '${refusal.retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
    });
  }
  const start = new Date();
  const end = new Date(start.getTime() + refusal.retryAfterSeconds * 1000);
  return armErrorBody({
    status: 429,
    code: 'OperationNotAllowed',
    message:
      'The server rejected the request because too many requests have been received for this subscription.',
    details: [
      {
        code: 'TooManyRequests',
        target: refusal.policy,
        message: JSON.stringify({
          operationGroup: refusal.policy,
          startTime: start.toISOString(),
          endTime: end.toISOString(),
          allowedRequestCount: refusal.allowed,
          measuredRequestCount: refusal.allowed + 1,
        }),
      },
    ],
  });
}

function subscriptionOf(target: ArmTarget): string | undefined {
  return 'sub' in target ? target.sub : undefined;
}

function metadataEndpoints(req: EmuRequest): EmuResponse {
  const authority = req.origin;
  return {
    status: 200,
    json: {
      galleryEndpoint: '',
      graphEndpoint: 'https://graph.windows.net/',
      portalEndpoint: '',
      authentication: { loginEndpoint: authority, audiences: ['https://management.azure.com/', req.origin] },
      resourceManager: `${req.origin}/`,
    },
  };
}

function throttle(
  core: EmulatorCore,
  req: EmuRequest,
  target: ArmTarget,
  sub: string | undefined,
): ThrottleResult {
  if (!sub) return { headers: {} };
  const resource = targetResourceId(target);
  const exists = resource ? core.state.computeResource(resource) !== undefined : false;
  return core.throttler.check({
    group: policyGroup(target, req.method, exists),
    subscriptionId: sub,
    resourceKey: resource?.toLowerCase(),
    write: req.method !== 'GET',
  });
}

async function handleArm(core: EmulatorCore, req: EmuRequest, target: ArmTarget): Promise<EmuResponse> {
  if (target.kind === 'metadataEndpoints') return metadataEndpoints(req);
  const apiVersion = req.query.get('api-version');
  if (!apiVersion) return failure(armErrors.missingApiVersion());
  const principal = await authenticateArm(core, req);
  if (isArmFailure(principal)) return failure(principal);
  const sub = subscriptionOf(target);
  const subscription = sub ? core.state.subscription(sub) : undefined;
  if (subscription && subscription.tenantId.toLowerCase() !== principal.tenantId.toLowerCase()) {
    return failure(armErrors.wrongTenant(principal.tenantId, subscription.id));
  }
  const limits = throttle(core, req, target, sub);
  if (limits.refusal) {
    return {
      status: 429,
      headers: { ...limits.headers, 'Retry-After': String(limits.refusal.retryAfterSeconds) },
      json: throttledBody(limits.refusal, sub ?? '', req.method !== 'GET'),
    };
  }
  const response = await dispatchArm({ core, req, principal, apiVersion }, target);
  return { ...response, headers: { ...limits.headers, ...(response.headers ?? {}) } };
}

export function armRouter(core: EmulatorCore): Router {
  return (req): Route => {
    const target = parseArmPath(req.path);
    return {
      operation: operationName(target, req.method),
      resource: targetResourceId(target),
      handle: () => handleArm(core, req, target),
    };
  };
}

export function armDefaultHeaders(): Record<string, string> {
  const id = randomUUID();
  return {
    'x-ms-request-id': id,
    'x-ms-correlation-request-id': id,
    'x-ms-routing-request-id': `LOCAL:${id}`,
  };
}

export const armErrorShapes: ErrorShapes = {
  status: (status, code, message) =>
    failure({
      status,
      code: code ?? (status >= 500 ? 'InternalServerError' : status === 409 ? 'Conflict' : 'BadRequest'),
      message: message ?? (status === 409 ? armErrors.conflict().message : 'Injected failure.'),
    }),
  throttled: (retryAfter) => ({
    status: 429,
    headers: {
      'Retry-After': String(retryAfter),
      'x-ms-ratelimit-remaining-resource': 'Microsoft.Compute/Injected;0',
    },
    json: throttledBody(
      { policy: 'Injected', retryAfterSeconds: retryAfter, allowed: 0, frontDoor: false },
      '',
      false,
    ),
  }),
  internal: () => failure(armErrors.internal()),
};
