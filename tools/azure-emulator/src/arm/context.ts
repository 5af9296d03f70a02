// Per-request context of ARM handlers, and small helpers they share.
import type { EmulatorCore } from '../core';
import type { EmuRequest, EmuResponse } from '../http/types';
import type { ArmPrincipal } from './auth';
import { type ArmFailure, armErrorBody, armErrors } from './errors';

export interface ArmContext {
  readonly core: EmulatorCore;
  readonly req: EmuRequest;
  readonly principal: ArmPrincipal;
  readonly apiVersion: string;
}

export function failure(f: ArmFailure): EmuResponse {
  return { status: f.status, json: armErrorBody(f), ...(f.headers ? { headers: f.headers } : {}) };
}

export function isArmFailure(value: unknown): value is ArmFailure {
  return (
    typeof value === 'object' && value !== null && 'status' in value && 'code' in value && 'message' in value
  );
}

/** 404s for a missing subscription or resource group, in ARM's order. */
export function checkScope(core: EmulatorCore, sub: string, rg?: string): ArmFailure | undefined {
  if (!core.state.subscription(sub)) return armErrors.subscriptionNotFound(sub);
  if (rg !== undefined && !core.state.resourceGroup(sub, rg)) return armErrors.resourceGroupNotFound(rg);
  return undefined;
}

export function parseJsonBody(ctx: ArmContext): Record<string, unknown> | ArmFailure {
  const text = ctx.req.body.toString('utf8');
  if (text.trim() === '') return armErrors.invalidContent('The request body is empty.');
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return armErrors.invalidContent('The request body must be a JSON object.');
    }
    return value as Record<string, unknown>;
  } catch (err) {
    return armErrors.invalidContent((err as Error).message);
  }
}

/** One page of a list, with an absolute nextLink back to the emulator (the SDK follows it verbatim). */
export function page(ctx: ArmContext, items: unknown[]): EmuResponse {
  const size = Math.max(1, ctx.core.options.pageSize);
  const token = ctx.req.query.get('$skiptoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  const value = items.slice(offset, offset + size);
  const json: Record<string, unknown> = { value };
  if (offset + size < items.length) {
    const query = new URLSearchParams(ctx.req.query);
    query.set('$skiptoken', Buffer.from(String(offset + size)).toString('base64url'));
    json.nextLink = `${ctx.req.origin}${ctx.req.path}?${query.toString()}`;
  }
  return { status: 200, json };
}
