// Which handler answers an authenticated ARM request: a table of target kind x method.
import type { EmuResponse } from '../http/types';
import { type ArmContext, failure } from './context';
import { getCompute, getOperation, getScaleSetVm, listCompute, listScaleSetVms } from './compute-read';
import { writeCompute } from './compute-write';
import { armErrors } from './errors';
import {
  deleteFic,
  deleteIdentity,
  getFic,
  getIdentity,
  listFics,
  listIdentities,
  putFic,
  putIdentity,
} from './msi';
import type { ArmTarget } from './paths';

type Result = EmuResponse | Promise<EmuResponse>;
type Methods<T> = Partial<Record<'GET' | 'PUT' | 'PATCH' | 'DELETE', (ctx: ArmContext, t: T) => Result>>;
type TargetOf<K extends ArmTarget['kind']> = Extract<ArmTarget, { kind: K }>;
type Table = { [K in ArmTarget['kind']]?: Methods<TargetOf<K>> };

const owner = (t: TargetOf<'fic'> | TargetOf<'ficList'>): { sub: string; rg: string; name: string } => ({
  sub: t.sub,
  rg: t.rg,
  name: t.identity,
});

const TABLE: Table = {
  compute: {
    GET: (ctx, t) => getCompute(ctx, t.type, t.sub, t.rg, t.name),
    PUT: (ctx, t) => writeCompute(ctx, t, 'put'),
    PATCH: (ctx, t) => writeCompute(ctx, t, 'patch'),
  },
  computeList: { GET: (ctx, t) => listCompute(ctx, t.type, t.sub, t.rg) },
  vmssVmList: { GET: (ctx, t) => listScaleSetVms(ctx, t.sub, t.rg, t.vmss) },
  vmssVm: { GET: (ctx, t) => getScaleSetVm(ctx, t.sub, t.rg, t.vmss, t.instanceId) },
  operation: { GET: (ctx, t) => getOperation(ctx, t.sub, t.location, t.opId) },
  identity: {
    GET: (ctx, t) => getIdentity(ctx, t),
    PUT: (ctx, t) => putIdentity(ctx, t, 'put'),
    PATCH: (ctx, t) => putIdentity(ctx, t, 'patch'),
    DELETE: (ctx, t) => deleteIdentity(ctx, t),
  },
  identityList: { GET: (ctx, t) => listIdentities(ctx, t.sub, t.rg) },
  fic: {
    GET: (ctx, t) => getFic(ctx, owner(t), t.name),
    PUT: (ctx, t) => putFic(ctx, owner(t), t.name),
    DELETE: (ctx, t) => deleteFic(ctx, owner(t), t.name),
  },
  ficList: { GET: (ctx, t) => listFics(ctx, owner(t)) },
};

export async function dispatchArm(ctx: ArmContext, target: ArmTarget): Promise<EmuResponse> {
  const methods = TABLE[target.kind] as Methods<ArmTarget> | undefined;
  if (!methods) return failure(armErrors.notFoundPath(ctx.req.path));
  const handler = methods[ctx.req.method as keyof Methods<ArmTarget>];
  if (!handler) return failure(armErrors.methodNotAllowed(ctx.req.method));
  return handler(ctx, target);
}
