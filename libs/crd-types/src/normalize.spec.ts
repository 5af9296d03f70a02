import {
  normalizeAzureIdentityBinding,
  normalizeAzurePodIdentityException,
  normalizeIdentitySpec,
} from './normalize';

const RID = '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id';
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
    const b = normalizeAzureIdentityBinding({ metadata: { name: 'b' }, spec: { AzureIdentity: 'id', Selector: 's' } });
    expect(b.spec).toEqual({ azureIdentity: 'id', selector: 's' });
    expect(b.metadata).toEqual({ name: 'b' });
  });

  it('normalises a legacy exception', () => {
    const e = normalizeAzurePodIdentityException({ spec: { PodLabels: { app: 'x' } } });
    expect(e.spec).toEqual({ podLabels: { app: 'x' } });
  });
});
