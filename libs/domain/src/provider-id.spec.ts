import { computeTargetKey, computeTargetResourceId, parseProviderId } from './provider-id';

describe('parseProviderId', () => {
  it('parses a uniform scale-set instance', () => {
    const t = parseProviderId(
      'azure:///subscriptions/sub1/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-np-vmss/virtualMachines/3',
    );
    expect(t).toEqual({
      kind: 'vmss',
      subscriptionId: 'sub1',
      resourceGroup: 'mc_rg',
      name: 'aks-np-vmss',
      instanceId: '3',
    });
  });

  it('parses a standalone VM, ignoring case', () => {
    const t = parseProviderId(
      'AZURE:///subscriptions/sub1/resourcegroups/RG/providers/microsoft.compute/virtualmachines/vm-1',
    );
    expect(t).toEqual({ kind: 'vm', subscriptionId: 'sub1', resourceGroup: 'RG', name: 'vm-1' });
  });

  it.each([
    [undefined],
    [''],
    ['aws:///us-east-1a/i-123'],
    ['azure:///subscriptions/s/resourceGroups/r/providers/Microsoft.Network/x/y'],
    ['kind://docker/n'],
  ])('returns undefined for %s', (id) => expect(parseProviderId(id)).toBeUndefined());

  it('gives every instance of a scale set the same key, whatever the case', () => {
    const a = parseProviderId(
      'azure:///subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0',
    );
    const b = parseProviderId(
      'azure:///subscriptions/s/resourcegroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/SS/virtualMachines/7',
    );
    expect(a && computeTargetKey(a)).toBe(b && computeTargetKey(b));
    expect(a && computeTargetKey(a)).toBe('vmss:s/rg/ss');
  });

  it('builds the ARM id of the target', () => {
    expect(
      computeTargetResourceId({ kind: 'vmss', subscriptionId: 's', resourceGroup: 'rg', name: 'ss' }),
    ).toBe('/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss');
    expect(
      computeTargetResourceId({ kind: 'vm', subscriptionId: 's', resourceGroup: 'rg', name: 'v' }),
    ).toContain('/virtualMachines/v');
  });
});
