import { federatedCredentialName } from './credential-name';

const AZURE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}$/;

describe('federatedCredentialName', () => {
  it('names the namespace and ServiceAccount, and is stable', () => {
    const name = federatedCredentialName('https://oidc.example/x', 'team-a', 'reader');
    expect(name).toMatch(/^podid-team-a-reader-[0-9a-f]{10}$/);
    expect(federatedCredentialName('https://oidc.example/x', 'team-a', 'reader')).toBe(name);
  });

  it('differs per issuer and per subject, even when the readable part collides', () => {
    const names = new Set([
      federatedCredentialName('https://a/', 'ns', 'sa'),
      federatedCredentialName('https://b/', 'ns', 'sa'),
      federatedCredentialName('https://a/', 'ns-sa', 'x'),
      federatedCredentialName('https://a/', 'ns', 'sa-x'),
    ]);
    expect(names.size).toBe(4);
  });

  it("follows Azure's name rules for any ServiceAccount name, however long", () => {
    expect(federatedCredentialName('https://a/', 'ns', 'my.service.account')).toMatch(AZURE_NAME);
    expect(federatedCredentialName('https://a/', 'n'.repeat(63), 's'.repeat(253))).toMatch(AZURE_NAME);
  });
});
