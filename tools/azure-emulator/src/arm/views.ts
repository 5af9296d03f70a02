// Wire bodies of VMs, scale sets, scale-set VMs, identities and federated credentials (properties nested).
import { createHash } from 'node:crypto';
import { UAMI_TYPE, VM_TYPE, VMSS_TYPE } from '../state/arm-id';
import type {
  ComputeResource,
  FederatedCredential,
  ResourceIdentity,
  ScaleSetInstance,
  UserAssignedIdentity,
  VirtualMachine,
  VirtualMachineScaleSet,
} from '../state/model';
import type { EmulatorState } from '../state/store';

export function identityTypeOf(identity: ResourceIdentity): string {
  const system = identity.system !== undefined;
  const user = identity.user.size > 0;
  if (system && user) return 'SystemAssigned, UserAssigned';
  if (system) return 'SystemAssigned';
  return user ? 'UserAssigned' : 'None';
}

export function identityView(
  state: EmulatorState,
  identity: ResourceIdentity,
): Record<string, unknown> | undefined {
  const type = identityTypeOf(identity);
  if (type === 'None') return undefined;
  const out: Record<string, unknown> = { type };
  if (identity.system) {
    out.principalId = identity.system.principalId;
    out.tenantId = identity.system.tenantId;
  }
  if (identity.user.size > 0) {
    out.userAssignedIdentities = Object.fromEntries(
      [...identity.user.values()].map((a) => {
        const uami = state.identity(a.id);
        return [a.id, uami ? { principalId: uami.principalId, clientId: uami.clientId } : {}];
      }),
    );
  }
  return out;
}

const etagOf = (r: ComputeResource): string => `"${r.etag}"`;

function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function vmView(
  state: EmulatorState,
  vm: VirtualMachine,
  provisioningState: string,
): Record<string, unknown> {
  const identity = identityView(state, vm.identity);
  return {
    id: vm.id,
    name: vm.name,
    type: VM_TYPE,
    location: vm.location,
    tags: vm.tags,
    etag: etagOf(vm),
    ...(identity ? { identity } : {}),
    ...(vm.zone ? { zones: [vm.zone] } : {}),
    properties: {
      vmId: vm.vmId,
      provisioningState,
      hardwareProfile: { vmSize: vm.vmSize },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: 'azureuser',
        linuxConfiguration: { disablePasswordAuthentication: true },
      },
    },
  };
}

export function vmssView(
  state: EmulatorState,
  vmss: VirtualMachineScaleSet,
  provisioningState: string,
): Record<string, unknown> {
  const identity = identityView(state, vmss.identity);
  return {
    id: vmss.id,
    name: vmss.name,
    type: VMSS_TYPE,
    location: vmss.location,
    tags: vmss.tags,
    etag: etagOf(vmss),
    sku: { name: vmss.skuName, tier: 'Standard', capacity: vmss.instances.size },
    ...(identity ? { identity } : {}),
    properties: {
      provisioningState,
      orchestrationMode: vmss.orchestrationMode,
      uniqueId: stableGuid(vmss.id.toLowerCase()),
      upgradePolicy: { mode: 'Manual' },
      virtualMachineProfile: { osProfile: { computerNamePrefix: vmss.name, adminUsername: 'azureuser' } },
    },
  };
}

export function vmssVmView(
  vmss: VirtualMachineScaleSet,
  instance: ScaleSetInstance,
): Record<string, unknown> {
  return {
    id: `${vmss.id}/virtualMachines/${instance.instanceId}`,
    name: `${vmss.name}_${instance.instanceId}`,
    type: `${VMSS_TYPE}/virtualMachines`,
    location: vmss.location,
    instanceId: instance.instanceId,
    sku: { name: vmss.skuName, tier: 'Standard' },
    ...(instance.zone ? { zones: [instance.zone] } : {}),
    properties: {
      latestModelApplied: true,
      vmId: instance.vmId,
      provisioningState: 'Succeeded',
      hardwareProfile: { vmSize: vmss.skuName },
      osProfile: { computerName: instance.computerName, adminUsername: 'azureuser' },
    },
  };
}

export function identityResourceView(uami: UserAssignedIdentity): Record<string, unknown> {
  return {
    id: uami.id,
    name: uami.name,
    type: UAMI_TYPE,
    location: uami.location,
    tags: uami.tags,
    properties: {
      tenantId: uami.tenantId,
      principalId: uami.principalId,
      clientId: uami.clientId,
      isolationScope: 'None',
    },
  };
}

export function ficView(uami: UserAssignedIdentity, fic: FederatedCredential): Record<string, unknown> {
  return {
    id: `${uami.id}/federatedIdentityCredentials/${fic.name}`,
    name: fic.name,
    type: `${UAMI_TYPE}/federatedIdentityCredentials`,
    properties: { issuer: fic.issuer, subject: fic.subject, audiences: fic.audiences },
  };
}
