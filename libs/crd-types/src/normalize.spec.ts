import type { AzureAssignedIdentity, AzureIdentity } from './generated/types';
import {
  normalizeAzureIdentityBinding,
  normalizeCrdObject,
  normalizeAzurePodIdentityException,
  normalizeIdentitySpec,
} from './normalize';

const RID =
  '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id';
const CID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

describe('normalizeIdentitySpec', () => {
  it('maps legacy PascalCase fields to the camelCase ones', () => {
    expect(
      normalizeIdentitySpec({
        Type: 1,
        ClientID: CID,
        TenantID: 't',
        ClientPassword: { Name: 'sec', Namespace: 'ns' },
      }),
    ).toEqual({ type: 1, clientID: CID, tenantID: 't', clientPassword: { name: 'sec', namespace: 'ns' } });
  });

  it('gives the same result for camelCase and PascalCase manifests', () => {
    const camel = normalizeIdentitySpec({ type: 0, resourceID: RID, clientID: CID });
    const pascal = normalizeIdentitySpec({ ResourceID: RID, ClientID: CID });
    expect(pascal).toEqual(camel);
  });

  it('defaults type to 0 and leaves no undefined keys', () => {
    const spec = normalizeIdentitySpec({ clientID: CID });
    expect(spec).toEqual({ type: 0, clientID: CID });
    expect(Object.values(spec)).not.toContain(undefined);
    expect('resourceID' in spec).toBe(false);
  });

  it('prefers camelCase when both are present', () => {
    expect(normalizeIdentitySpec({ clientID: CID, ClientID: 'other' }).clientID).toBe(CID);
  });

  it('keeps fields that have no legacy spelling', () => {
    expect(normalizeIdentitySpec({ type: 1, auxiliaryTenantIDs: ['a'], adEndpoint: 'https://x/' })).toEqual({
      type: 1,
      auxiliaryTenantIDs: ['a'],
      adEndpoint: 'https://x/',
    });
  });
});

describe('binding and exception', () => {
  it('normalises a legacy binding', () => {
    const b = normalizeAzureIdentityBinding({
      metadata: { name: 'b' },
      spec: { AzureIdentity: 'id', Selector: 's' },
    });
    expect(b.spec).toEqual({ azureIdentity: 'id', selector: 's' });
    expect(b.metadata).toEqual({ name: 'b' });
  });

  it('normalises a legacy exception', () => {
    const e = normalizeAzurePodIdentityException({ spec: { PodLabels: { app: 'x' } } });
    expect(e.spec).toEqual({ podLabels: { app: 'x' } });
  });
});

describe('normalizeCrdObject', () => {
  it('folds legacy PascalCase fields of identities and bindings', () => {
    const legacy = {
      metadata: { name: 'i' },
      spec: { Type: 0, ResourceID: '/r', ClientID: 'c' },
    } as AzureIdentity;
    expect(normalizeCrdObject('AzureIdentity', legacy).spec).toEqual({
      type: 0,
      resourceID: '/r',
      clientID: 'c',
    });
    const binding = normalizeCrdObject('AzureIdentityBinding', {
      metadata: {},
      spec: { AzureIdentity: 'i', Selector: 's' },
    });
    expect(binding.spec).toEqual({ azureIdentity: 'i', selector: 's' });
  });

  it('normalises the identity and binding embedded in an AzureAssignedIdentity and drops null refs', () => {
    const assigned = {
      metadata: { name: 'a' },
      spec: {
        pod: 'p',
        podNamespace: 'ns',
        nodename: 'n',
        azureIdentityRef: { metadata: {}, spec: { ClientID: 'c', ResourceID: '/r' } },
        azureBindingRef: { metadata: {}, spec: { Selector: 's', AzureIdentity: 'i' } },
      },
    } as unknown as AzureAssignedIdentity;
    const out = normalizeCrdObject('AzureAssignedIdentity', assigned);
    expect(out.spec.azureIdentityRef?.spec).toEqual({ type: 0, clientID: 'c', resourceID: '/r' });
    expect(out.spec.azureBindingRef?.spec).toEqual({ selector: 's', azureIdentity: 'i' });
    const nulls = normalizeCrdObject('AzureAssignedIdentity', {
      spec: { pod: 'p', podNamespace: 'ns', nodename: 'n', azureIdentityRef: null, azureBindingRef: null },
    });
    expect(nulls.spec).toEqual({ pod: 'p', podNamespace: 'ns', nodename: 'n' });
  });

  it('does not modify its input', () => {
    const input = { spec: { ClientID: CID, clientPassword: {} } };
    const copy = structuredClone(input);
    normalizeCrdObject('AzureIdentity', input);
    expect(input).toEqual(copy);
  });
});

describe('what clients built on the original Go types send', () => {
  it('treats empty strings as unset, so a legacy value behind an empty camelCase one wins', () => {
    expect(
      normalizeIdentitySpec({ clientID: '', ClientID: CID, resourceID: '', ResourceID: RID, tenantID: '' }),
    ).toEqual({
      type: 0,
      clientID: CID,
      resourceID: RID,
      tenantID: '',
    });
  });

  it('keeps clientPassword: {} of a user-assigned identity as an empty reference', () => {
    expect(normalizeIdentitySpec({ resourceID: RID, clientID: CID, clientPassword: {} })).toEqual({
      type: 0,
      resourceID: RID,
      clientID: CID,
      clientPassword: {},
    });
  });

  it('takes the legacy ClientPassword when clientPassword is {}', () => {
    expect(
      normalizeIdentitySpec({ type: 1, clientPassword: {}, ClientPassword: { Name: 'sec' } }).clientPassword,
    ).toEqual({
      name: 'sec',
    });
  });

  it('takes legacy PodLabels when podLabels is null or empty', () => {
    expect(
      normalizeAzurePodIdentityException({ spec: { podLabels: null, PodLabels: { app: 'x' } } }).spec,
    ).toEqual({
      podLabels: { app: 'x' },
    });
    expect(
      normalizeAzurePodIdentityException({ spec: { podLabels: {}, PodLabels: { app: 'x' } } }).spec,
    ).toEqual({
      podLabels: { app: 'x' },
    });
    expect(normalizeAzurePodIdentityException({ spec: { podLabels: null } }).spec).toEqual({});
  });
});
