import { scanForLeaks } from './leak-scan';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmNkZWZnaCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('scanForLeaks', () => {
  it('finds a JWT, a bearer header and an access_token field', () => {
    const found = scanForLeaks([
      `token ${JWT}`,
      'Authorization: Bearer abcdefghijklmnop',
      '{"access_token":"abcdefghijkl"}',
    ]);
    expect(found.map((f) => f.kind).sort()).toEqual(['access-token-field', 'bearer', 'jwt'].sort());
  });

  it('finds known secrets ignoring case, and never reports more than a short excerpt', () => {
    const found = scanForLeaks(['client secret S3cret-Value-123 logged'], ['s3cret-value-123']);
    expect(found).toEqual([{ kind: 'known-secret', index: 0, excerpt: 's3cr' }]);
  });

  it('accepts redacted forms and short strings', () => {
    expect(
      scanForLeaks(['{"access_token":"[Redacted]"}', '{"authorization":"***"}', 'client 1234abcd…'], ['abc']),
    ).toEqual([]);
  });
});
