import { identityMatchesRequest, sameId } from './identity-request-matching';

describe('identity request matching', () => {
  const identity = {
    clientID: 'AAAA-bbbb',
    resourceID:
      '/subscriptions/s/resourceGroups/RG/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1',
  };
  it.each([
    ['none', { by: 'none' as const }, true],
    ['client id ignoring case', { by: 'clientId' as const, value: 'aaaa-BBBB' }, true],
    ['other client id', { by: 'clientId' as const, value: 'cccc' }, false],
    [
      'resource id ignoring case',
      { by: 'resourceId' as const, value: identity.resourceID.toLowerCase() },
      true,
    ],
    ['other resource id', { by: 'resourceId' as const, value: '/subscriptions/s/x' }, false],
    ['object id is decided elsewhere', { by: 'objectId' as const, value: 'o' }, true],
  ])('%s', (_n, request, expected) => {
    expect(identityMatchesRequest(identity, request)).toBe(expected);
  });
  it('never matches empty or missing ids', () => {
    expect(sameId('', '')).toBe(false);
    expect(sameId(undefined, 'a')).toBe(false);
    expect(identityMatchesRequest({}, { by: 'clientId', value: '' })).toBe(false);
  });
});
