// Microsoft.ManagedIdentity: userAssignedIdentities and their federatedIdentityCredentials (synchronous).
import { randomUUID } from 'node:crypto';
import type { EmuResponse } from '../http/types';
import { idKey, resourceId, UAMI_TYPE } from '../state/arm-id';
import type { UserAssignedIdentity } from '../state/model';
import { type ArmContext, checkScope, failure, isArmFailure, page, parseJsonBody } from './context';
import { type ArmFailure, armErrors } from './errors';
import { ficView, identityResourceView } from './views';

interface IdentityTarget {
  readonly sub: string;
  readonly rg: string;
  readonly name: string;
}

function findIdentity(ctx: ArmContext, t: IdentityTarget): UserAssignedIdentity | EmuResponse {
  const scope = checkScope(ctx.core, t.sub, t.rg);
  if (scope) return failure(scope);
  const found = ctx.core.state.identity(
    resourceId({ subscriptionId: t.sub, resourceGroup: t.rg, name: t.name }, UAMI_TYPE),
  );
  return found ?? failure(armErrors.resourceNotFound(UAMI_TYPE, t.name, t.rg));
}

const isResponse = (v: unknown): v is EmuResponse => typeof v === 'object' && v !== null && 'status' in v;

export function getIdentity(ctx: ArmContext, t: IdentityTarget): EmuResponse {
  const found = findIdentity(ctx, t);
  return isResponse(found) ? found : { status: 200, json: identityResourceView(found) };
}

export function listIdentities(ctx: ArmContext, sub: string, rg?: string): EmuResponse {
  const scope = checkScope(ctx.core, sub, rg);
  if (scope) return failure(scope);
  return page(ctx, ctx.core.state.listIdentities(sub, rg).map(identityResourceView));
}

function updateIdentity(
  ctx: ArmContext,
  existing: UserAssignedIdentity,
  body: Record<string, unknown>,
  tags: Record<string, string> | undefined,
  mode: 'put' | 'patch',
): EmuResponse {
  if (tags) existing.tags = tags;
  if (mode === 'put' && typeof body.location === 'string') existing.location = body.location;
  ctx.core.counters.write(existing.id);
  return { status: 200, json: identityResourceView(existing) };
}

export function putIdentity(ctx: ArmContext, t: IdentityTarget, mode: 'put' | 'patch'): EmuResponse {
  const scope = checkScope(ctx.core, t.sub, t.rg);
  if (scope) return failure(scope);
  const body = parseJsonBody(ctx);
  if (isArmFailure(body)) return failure(body);
  const id = resourceId({ subscriptionId: t.sub, resourceGroup: t.rg, name: t.name }, UAMI_TYPE);
  const existing = ctx.core.state.identity(id);
  const tags =
    typeof body.tags === 'object' && body.tags !== null ? (body.tags as Record<string, string>) : undefined;
  if (existing) return updateIdentity(ctx, existing, body, tags, mode);
  if (mode === 'patch') return failure(armErrors.resourceNotFound(UAMI_TYPE, t.name, t.rg));
  if (typeof body.location !== 'string' || body.location === '') {
    return failure({
      status: 400,
      code: 'LocationRequired',
      message: 'The location property is required for this definition.',
    });
  }
  const created: UserAssignedIdentity = {
    id,
    subscriptionId: t.sub,
    resourceGroup: t.rg,
    name: t.name,
    location: body.location,
    tags: tags ?? {},
    tenantId: ctx.core.state.tenantOfSubscription(t.sub),
    clientId: randomUUID(),
    principalId: randomUUID(),
    federatedCredentials: new Map(),
  };
  ctx.core.state.identities.set(idKey(id), created);
  ctx.core.counters.write(id);
  return { status: 201, json: identityResourceView(created) };
}

export function deleteIdentity(ctx: ArmContext, t: IdentityTarget): EmuResponse {
  const scope = checkScope(ctx.core, t.sub, t.rg);
  if (scope) return failure(scope);
  const id = resourceId({ subscriptionId: t.sub, resourceGroup: t.rg, name: t.name }, UAMI_TYPE);
  const existed = ctx.core.state.identities.delete(idKey(id));
  if (existed) ctx.core.counters.write(id);
  return { status: existed ? 200 : 204 };
}

export function getFic(ctx: ArmContext, t: IdentityTarget, ficName: string): EmuResponse {
  const found = findIdentity(ctx, t);
  if (isResponse(found)) return found;
  const fic = found.federatedCredentials.get(ficName.toLowerCase());
  if (!fic)
    return failure(
      armErrors.resourceNotFound(`${UAMI_TYPE}/federatedIdentityCredentials`, `${t.name}/${ficName}`, t.rg),
    );
  return { status: 200, json: ficView(found, fic) };
}

export function listFics(ctx: ArmContext, t: IdentityTarget): EmuResponse {
  const found = findIdentity(ctx, t);
  if (isResponse(found)) return found;
  return page(
    ctx,
    [...found.federatedCredentials.values()].map((f) => ficView(found, f)),
  );
}

/** Azure's limit of federated identity credentials per user-assigned identity. */
export const FIC_LIMIT = 20;
// 3-120 characters, alphanumeric first, then alphanumeric, '-' or '_' (workload identity federation docs).
const FIC_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;

interface FicProperties {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: string[];
}

function ficProperties(body: Record<string, unknown>): FicProperties | ArmFailure {
  const props = (body.properties ?? {}) as { issuer?: unknown; subject?: unknown; audiences?: unknown };
  const audiences = Array.isArray(props.audiences)
    ? props.audiences.filter((a): a is string => typeof a === 'string')
    : [];
  if (typeof props.issuer !== 'string' || !props.issuer.startsWith('https://')) {
    return armErrors.invalidParameter(
      "Invalid issuer. The issuer must be a valid 'https' URL.",
      'properties.issuer',
    );
  }
  if (typeof props.subject !== 'string' || props.subject === '') {
    return armErrors.invalidParameter('The subject must not be empty.', 'properties.subject');
  }
  if (audiences.length !== 1) {
    return armErrors.invalidParameter('Exactly one audience must be specified.', 'properties.audiences');
  }
  return { issuer: props.issuer, subject: props.subject, audiences };
}

/** Name rules, issuer+subject unique per identity, at most FIC_LIMIT per identity. */
function ficConflict(
  found: UserAssignedIdentity,
  ficName: string,
  props: FicProperties,
): ArmFailure | undefined {
  if (!FIC_NAME.test(ficName)) {
    return armErrors.invalidParameter(
      `The federated identity credential name '${ficName}' is invalid: 3-120 characters, letters, digits, '-' and '_', starting with a letter or digit.`,
      'name',
    );
  }
  const key = ficName.toLowerCase();
  const others = [...found.federatedCredentials.entries()].filter(([k]) => k !== key).map(([, f]) => f);
  if (others.some((f) => f.issuer === props.issuer && f.subject === props.subject))
    return armErrors.ficIssuerSubjectTaken();
  if (!found.federatedCredentials.has(key) && found.federatedCredentials.size >= FIC_LIMIT) {
    return armErrors.ficLimit(found.id, FIC_LIMIT);
  }
  return undefined;
}

export function putFic(ctx: ArmContext, t: IdentityTarget, ficName: string): EmuResponse {
  const found = findIdentity(ctx, t);
  if (isResponse(found)) return found;
  const body = parseJsonBody(ctx);
  if (isArmFailure(body)) return failure(body);
  const props = ficProperties(body);
  if (isArmFailure(props)) return failure(props);
  const conflict = ficConflict(found, ficName, props);
  if (conflict) return failure(conflict);
  const key = ficName.toLowerCase();
  const existed = found.federatedCredentials.has(key);
  const fic = { name: ficName, ...props };
  found.federatedCredentials.set(key, fic);
  ctx.core.counters.write(`${found.id}/federatedIdentityCredentials/${ficName}`);
  return { status: existed ? 200 : 201, json: ficView(found, fic) };
}

export function deleteFic(ctx: ArmContext, t: IdentityTarget, ficName: string): EmuResponse {
  const found = findIdentity(ctx, t);
  if (isResponse(found)) return found;
  const existed = found.federatedCredentials.delete(ficName.toLowerCase());
  return { status: existed ? 200 : 204 };
}
