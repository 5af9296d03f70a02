import {
  isAzureAssignedIdentity,
  isAzureIdentity,
  isAzureIdentityBinding,
  isAzurePodIdentityException,
  isCrdObject,
} from './guards';
import { IDENTITY_TYPES, isServicePrincipalType } from './identity-type';

const of = (kind: string, apiVersion = 'aadpodidentity.k8s.io/v1') => ({
  apiVersion,
  kind,
  metadata: { name: 'x' },
  spec: {},
});

describe('type guards', () => {
  it('recognise each kind by apiVersion and kind', () => {
    expect(isAzureIdentity(of('AzureIdentity'))).toBe(true);
    expect(isAzureIdentityBinding(of('AzureIdentityBinding'))).toBe(true);
    expect(isAzureAssignedIdentity(of('AzureAssignedIdentity'))).toBe(true);
    expect(isAzurePodIdentityException(of('AzurePodIdentityException'))).toBe(true);
  });

  it.each([
    ['another kind', of('AzureIdentityBinding')],
    ['another group', of('AzureIdentity', 'example.com/v1')],
    ['another version', of('AzureIdentity', 'aadpodidentity.k8s.io/v2')],
    ['no apiVersion', { kind: 'AzureIdentity' }],
    ['null', null],
    ['a string', 'AzureIdentity'],
  ])('reject %s', (_name, value) => {
    expect(isAzureIdentity(value)).toBe(false);
    expect(isCrdObject('AzureIdentity', value)).toBe(false);
  });
});

describe('identity types', () => {
  it('carry the values and names of the original Go constants', () => {
    expect(IDENTITY_TYPES).toEqual({
      UserAssignedMSI: 0,
      ServicePrincipal: 1,
      ServicePrincipalCertificate: 2,
    });
    expect([0, 1, 2].map((t) => isServicePrincipalType(t as 0 | 1 | 2))).toEqual([false, true, true]);
  });
});
