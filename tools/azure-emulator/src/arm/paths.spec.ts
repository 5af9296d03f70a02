import { operationName, parseArmPath, policyGroup } from './paths';

describe('ARM paths', () => {
  it('parses compute, scale-set VMs, operations and identities case-insensitively', () => {
    expect(
      parseArmPath(
        '/subscriptions/s/resourcegroups/RG/providers/microsoft.compute/VIRTUALMACHINESCALESETS/ss/virtualMachines/3/',
      ),
    ).toEqual({
      kind: 'vmssVm',
      sub: 's',
      rg: 'RG',
      vmss: 'ss',
      instanceId: '3',
    });
    expect(
      parseArmPath('/subscriptions/s/providers/Microsoft.Compute/locations/eastus/operations/op1'),
    ).toMatchObject({ kind: 'operation', opId: 'op1' });
    expect(
      parseArmPath(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a/federatedIdentityCredentials/f',
      ),
    ).toMatchObject({ kind: 'fic', identity: 'a', name: 'f' });
    expect(parseArmPath('/subscriptions/s/providers/Microsoft.Compute/virtualMachines')).toEqual({
      kind: 'computeList',
      type: 'vm',
      sub: 's',
    });
    expect(parseArmPath('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/x/y')).toEqual({
      kind: 'unknown',
    });
  });

  it('names operations and throttling policies', () => {
    const vmss = parseArmPath(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss',
    );
    expect(operationName(vmss, 'PATCH')).toBe('Microsoft.Compute/virtualMachineScaleSets/write');
    expect(policyGroup(vmss, 'PATCH', true)).toBe('UpdateVMScaleSet');
    expect(policyGroup(vmss, 'PUT', false)).toBe('PutVMScaleSet');
    expect(policyGroup(vmss, 'GET', true)).toBe('LowCostGetVMScaleSet');
  });
});
