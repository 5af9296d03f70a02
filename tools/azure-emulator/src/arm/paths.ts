// ARM paths -> what they address. Fixed segments match case-insensitively, as ARM does.
import { resourceGroupId, UAMI_TYPE, VM_TYPE, VMSS_TYPE } from '../state/arm-id';
import type { PolicyGroup } from '../faults/crp-limits';

export type ComputeKind = 'vm' | 'vmss';

export type ArmTarget =
  | { kind: 'compute'; type: ComputeKind; sub: string; rg: string; name: string }
  | { kind: 'computeList'; type: ComputeKind; sub: string; rg?: string }
  | { kind: 'vmssVm'; sub: string; rg: string; vmss: string; instanceId: string }
  | { kind: 'vmssVmList'; sub: string; rg: string; vmss: string }
  | { kind: 'operation'; sub: string; location: string; opId: string }
  | { kind: 'identity'; sub: string; rg: string; name: string }
  | { kind: 'identityList'; sub: string; rg?: string }
  | { kind: 'fic'; sub: string; rg: string; identity: string; name: string }
  | { kind: 'ficList'; sub: string; rg: string; identity: string }
  | { kind: 'metadataEndpoints' }
  | { kind: 'unknown' };

const S = '([^/]+)';
const RG = `/subscriptions/${S}/resourcegroups/${S}`;
const COMPUTE = `/providers/microsoft\\.compute`;
const MSI = `/providers/microsoft\\.managedidentity/userassignedidentities`;
const TYPE = '(virtualmachines|virtualmachinescalesets)';

const PATTERNS: [RegExp, (m: string[]) => ArmTarget][] = [
  [
    new RegExp(`^${RG}${COMPUTE}/virtualmachinescalesets/${S}/virtualmachines$`, 'i'),
    (m) => ({ kind: 'vmssVmList', sub: m[1], rg: m[2], vmss: m[3] }),
  ],
  [
    new RegExp(`^${RG}${COMPUTE}/virtualmachinescalesets/${S}/virtualmachines/${S}$`, 'i'),
    (m) => ({ kind: 'vmssVm', sub: m[1], rg: m[2], vmss: m[3], instanceId: m[4] }),
  ],
  [
    new RegExp(`^${RG}${COMPUTE}/${TYPE}/${S}$`, 'i'),
    (m) => ({ kind: 'compute', type: kindOf(m[3]), sub: m[1], rg: m[2], name: m[4] }),
  ],
  [
    new RegExp(`^${RG}${COMPUTE}/${TYPE}$`, 'i'),
    (m) => ({ kind: 'computeList', type: kindOf(m[3]), sub: m[1], rg: m[2] }),
  ],
  [
    new RegExp(`^/subscriptions/${S}${COMPUTE}/${TYPE}$`, 'i'),
    (m) => ({ kind: 'computeList', type: kindOf(m[2]), sub: m[1] }),
  ],
  [
    new RegExp(`^/subscriptions/${S}${COMPUTE}/locations/${S}/operations/${S}$`, 'i'),
    (m) => ({ kind: 'operation', sub: m[1], location: m[2], opId: m[3] }),
  ],
  [
    new RegExp(`^${RG}${MSI}/${S}/federatedidentitycredentials$`, 'i'),
    (m) => ({ kind: 'ficList', sub: m[1], rg: m[2], identity: m[3] }),
  ],
  [
    new RegExp(`^${RG}${MSI}/${S}/federatedidentitycredentials/${S}$`, 'i'),
    (m) => ({ kind: 'fic', sub: m[1], rg: m[2], identity: m[3], name: m[4] }),
  ],
  [new RegExp(`^${RG}${MSI}/${S}$`, 'i'), (m) => ({ kind: 'identity', sub: m[1], rg: m[2], name: m[3] })],
  [new RegExp(`^${RG}${MSI}$`, 'i'), (m) => ({ kind: 'identityList', sub: m[1], rg: m[2] })],
  [new RegExp(`^/subscriptions/${S}${MSI}$`, 'i'), (m) => ({ kind: 'identityList', sub: m[1] })],
  [/^\/metadata\/endpoints$/i, () => ({ kind: 'metadataEndpoints' })],
];

function kindOf(segment: string): ComputeKind {
  return segment.toLowerCase() === 'virtualmachines' ? 'vm' : 'vmss';
}

export function parseArmPath(path: string): ArmTarget {
  const clean = path.replace(/\/+$/, '');
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(clean);
    if (match) return build(match.map((s) => decodeURIComponent(s)));
  }
  return { kind: 'unknown' };
}

const typeName = (t: ComputeKind): string => (t === 'vm' ? VM_TYPE : VMSS_TYPE);

function verb(method: string): string {
  if (method === 'GET') return 'read';
  if (method === 'DELETE') return 'delete';
  return 'write';
}

/** The operation name counters and fault rules use (ARM action names; lists end in /list). */
export function operationName(target: ArmTarget, method: string): string {
  switch (target.kind) {
    case 'compute':
      return `${typeName(target.type)}/${verb(method)}`;
    case 'computeList':
      return `${typeName(target.type)}/list`;
    case 'vmssVm':
      return `${VMSS_TYPE}/virtualMachines/${verb(method)}`;
    case 'vmssVmList':
      return `${VMSS_TYPE}/virtualMachines/list`;
    case 'operation':
      return 'Microsoft.Compute/locations/operations/read';
    case 'identity':
      return `${UAMI_TYPE}/${verb(method)}`;
    case 'identityList':
      return `${UAMI_TYPE}/list`;
    case 'fic':
      return `${UAMI_TYPE}/federatedIdentityCredentials/${verb(method)}`;
    case 'ficList':
      return `${UAMI_TYPE}/federatedIdentityCredentials/list`;
    case 'metadataEndpoints':
      return 'metadata/endpoints';
    default:
      return 'unknown';
  }
}

/** The id of what the request is about (for counters, faults and per-resource buckets). */
export function targetResourceId(target: ArmTarget): string | undefined {
  switch (target.kind) {
    case 'compute':
      return `${resourceGroupId(target.sub, target.rg)}/providers/${typeName(target.type)}/${target.name}`;
    case 'vmssVm':
    case 'vmssVmList':
      return `${resourceGroupId(target.sub, target.rg)}/providers/${VMSS_TYPE}/${target.vmss}`;
    case 'identity':
    case 'fic':
    case 'ficList':
      return `${resourceGroupId(target.sub, target.rg)}/providers/${UAMI_TYPE}/${'identity' in target ? target.identity : target.name}`;
    case 'operation':
      return `/subscriptions/${target.sub}/providers/Microsoft.Compute/locations/${target.location}/operations/${target.opId}`;
    case 'computeList':
    case 'identityList':
      return target.rg ? resourceGroupId(target.sub, target.rg) : `/subscriptions/${target.sub}`;
    default:
      return undefined;
  }
}

/** The Compute throttling policy a request counts against (none for ManagedIdentity). */
export function policyGroup(target: ArmTarget, method: string, exists: boolean): PolicyGroup | undefined {
  const write = method === 'PUT' || method === 'PATCH';
  if (target.kind === 'compute') {
    const [update, put, get]: PolicyGroup[] =
      target.type === 'vm'
        ? ['UpdateVM', 'PutVM', 'LowCostGetVM']
        : ['UpdateVMScaleSet', 'PutVMScaleSet', 'LowCostGetVMScaleSet'];
    if (!write) return get;
    return exists ? update : put;
  }
  const byKind: Partial<Record<ArmTarget['kind'], PolicyGroup>> = {
    vmssVmList: 'HighCostGetVMScaleSet',
    vmssVm: 'LowCostGetVMScaleSet',
    operation: 'GetOperation',
  };
  if (target.kind === 'computeList') return target.type === 'vm' ? 'HighCostGetVM' : 'HighCostGetVMScaleSet';
  return byKind[target.kind];
}
