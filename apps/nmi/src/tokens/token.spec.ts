import { serializeTokenSet, type TokenSet } from './token';

const set: TokenSet = {
  multiTenant: false,
  tokens: [
    { accessToken: 'a.b.c', expiresOn: 5_000, notBefore: 1_000, tokenType: 'Bearer', clientId: 'cid' },
  ],
};

describe('serializeTokenSet', () => {
  it('writes the IMDS body with expires_in counted from now', () => {
    expect(JSON.parse(serializeTokenSet(set, 'https://vault.azure.net', 4_000))).toEqual({
      access_token: 'a.b.c',
      client_id: 'cid',
      expires_in: '1000',
      expires_on: '5000',
      ext_expires_in: '1000',
      not_before: '1000',
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
    });
  });

  it('reuses the body within a second, and writes a new one for the next second or another resource', () => {
    const first = serializeTokenSet(set, 'https://vault.azure.net', 4_100);
    expect(serializeTokenSet(set, 'https://vault.azure.net', 4_100)).toBe(first);
    expect(JSON.parse(serializeTokenSet(set, 'https://vault.azure.net', 4_101)).expires_in).toBe('899');
    expect(JSON.parse(serializeTokenSet(set, 'https://storage.azure.com', 4_101)).resource).toBe(
      'https://storage.azure.com',
    );
    const multi: TokenSet = { ...set, multiTenant: true };
    expect(JSON.parse(serializeTokenSet(multi, 'https://vault.azure.net', 4_101))).toHaveLength(1);
  });
});
