import {
  canonicalResourceId,
  invalidResourceIdMessage,
  isUserAssignedIdentityId,
  parseUserAssignedIdentityId,
} from './resource-id';

describe('parseUserAssignedIdentityId', () => {
  it.each([
    [
      '/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
      'id1',
    ],
    [
      '/subscriptions/s1/resourceGroups/RG1/providers/microsoft.managedidentity/userassignedidentities/ID1/',
      'ID1',
    ],
    [
      '  /SUBSCRIPTIONS/s1/RESOURCEGROUPS/rg1/PROVIDERS/Microsoft.ManagedIdentity/userAssignedIdentities/x  ',
      'x',
    ],
  ])('accepts %s', (id, name) => {
    const parsed = parseUserAssignedIdentityId(id);
    expect(parsed?.name).toBe(name);
    expect(parsed?.canonical).toBe(parsed?.canonical.toLowerCase());
    expect(parsed?.canonical.endsWith('/')).toBe(false);
  });

  it.each([
    [undefined],
    [''],
    ['/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.Compute/virtualMachines/vm1'],
    ['/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/'],
    ['/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a/b'],
    ['subscriptions/s1/resourcegroups/rg1/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a'],
  ])('rejects %s', (id) => {
    expect(parseUserAssignedIdentityId(id)).toBeUndefined();
    expect(isUserAssignedIdentityId(id)).toBe(false);
  });

  it('gives one canonical form for ids that differ only in case', () => {
    const a = parseUserAssignedIdentityId(
      '/subscriptions/S/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/I',
    );
    const b = parseUserAssignedIdentityId(
      '/subscriptions/s/resourcegroups/rg/providers/microsoft.managedidentity/userassignedidentities/i',
    );
    expect(a?.canonical).toBe(b?.canonical);
    expect(canonicalResourceId(' /A/B/ ')).toBe('/a/b');
  });

  it('explains a refused id', () => {
    expect(invalidResourceIdMessage('x')).toContain('"x"');
  });
});
