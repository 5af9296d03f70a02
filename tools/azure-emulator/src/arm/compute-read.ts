// GET of VMs, scale sets, scale-set VMs (single and lists) and of async operation status.
import { type EmulatorCore, scaled } from '../core';
import type { EmuResponse } from '../http/types';
import { idKey, resourceId, VM_TYPE, VMSS_TYPE } from '../state/arm-id';
import type { ComputeResource } from '../state/model';
import { type ArmContext, checkScope, failure, page } from './context';
import { armErrors } from './errors';
import type { ComputeKind } from './paths';
import { vmssView, vmssVmView, vmView } from './views';

export function provisioningStateOf(core: EmulatorCore, resource: ComputeResource): string {
  if (resource.deleting) return 'Deleting';
  return core.operations.inFlight(idKey(resource.id), core.now()) ? 'Updating' : 'Succeeded';
}

export function computeView(
  core: EmulatorCore,
  resource: ComputeResource,
  state?: string,
): Record<string, unknown> {
  const provisioning = state ?? provisioningStateOf(core, resource);
  return resource.kind === 'vm'
    ? vmView(core.state, resource, provisioning)
    : vmssView(core.state, resource, provisioning);
}

export function findCompute(
  ctx: ArmContext,
  type: ComputeKind,
  sub: string,
  rg: string,
  name: string,
): ComputeResource | EmuResponse {
  const scope = checkScope(ctx.core, sub, rg);
  if (scope) return failure(scope);
  const typeName = type === 'vm' ? VM_TYPE : VMSS_TYPE;
  const resource = ctx.core.state.computeResource(
    resourceId({ subscriptionId: sub, resourceGroup: rg, name }, typeName),
  );
  if (!resource || resource.kind !== type) return failure(armErrors.resourceNotFound(typeName, name, rg));
  return resource;
}

export function isResponse(value: unknown): value is EmuResponse {
  return typeof value === 'object' && value !== null && 'status' in value && !('kind' in value);
}

export function getCompute(
  ctx: ArmContext,
  type: ComputeKind,
  sub: string,
  rg: string,
  name: string,
): EmuResponse {
  const found = findCompute(ctx, type, sub, rg, name);
  if (isResponse(found)) return found;
  return { status: 200, json: computeView(ctx.core, found) };
}

export function listCompute(ctx: ArmContext, type: ComputeKind, sub: string, rg?: string): EmuResponse {
  const scope = checkScope(ctx.core, sub, rg);
  if (scope) return failure(scope);
  const items = ctx.core.state.listCompute(type, sub, rg).map((r) => computeView(ctx.core, r));
  return page(ctx, items);
}

export function listScaleSetVms(ctx: ArmContext, sub: string, rg: string, vmss: string): EmuResponse {
  const found = findCompute(ctx, 'vmss', sub, rg, vmss);
  if (isResponse(found)) return found;
  if (found.kind !== 'vmss') return failure(armErrors.internal());
  return page(
    ctx,
    [...found.instances.values()].map((i) => vmssVmView(found, i)),
  );
}

export function getScaleSetVm(
  ctx: ArmContext,
  sub: string,
  rg: string,
  vmss: string,
  instanceId: string,
): EmuResponse {
  const found = findCompute(ctx, 'vmss', sub, rg, vmss);
  if (isResponse(found)) return found;
  if (found.kind !== 'vmss') return failure(armErrors.internal());
  const instance = found.instances.get(instanceId);
  if (!instance) {
    return failure(armErrors.resourceNotFound(`${VMSS_TYPE}/virtualMachines`, `${vmss}/${instanceId}`, rg));
  }
  return { status: 200, json: vmssVmView(found, instance) };
}

export function getOperation(ctx: ArmContext, sub: string, location: string, opId: string): EmuResponse {
  const op = ctx.core.operations.get(opId);
  if (!op || op.subscriptionId.toLowerCase() !== sub.toLowerCase()) {
    return failure({
      status: 404,
      code: 'NotFound',
      message: `The operation '${opId}' in location '${location}' was not found.`,
    });
  }
  const now = ctx.core.now();
  const running = ctx.core.operations.status(op, now) === 'InProgress';
  const retryAfter = ctx.core.options.pollRetryAfterSeconds;
  const headers: Record<string, string> =
    running && retryAfter > 0 ? { 'Retry-After': String(retryAfter) } : {};
  return { status: 200, headers, json: ctx.core.operations.body(op, now) };
}

/** How long a write on `kind` runs (scaled). */
export function operationDuration(core: EmulatorCore, kind: ComputeKind): number {
  return scaled(core, core.options.operationDurationMs[kind]);
}
