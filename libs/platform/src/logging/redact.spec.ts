import fc from 'fast-check';
import { isSecretKey, redactClientId, REDACTED, scrubJsonLine, scrubText, scrubValue } from './redact';

describe('redactClientId', () => {
  it.each([
    ['8f7c2f64-1111-2222-3333-4444aaaa9ad1', '8f7c****9ad1'],
    ['0123456789abcdef', '0123****cdef'],
    ['short-id', '****'],
    ['', ''],
    [undefined, ''],
  ])('%s -> %s', (id, out) => {
    expect(redactClientId(id)).toBe(out);
  });

  it('never reveals more than 8 characters of an id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), (id) => {
        const r = redactClientId(id);
        expect(r.replace(/\*/g, '').length).toBeLessThanOrEqual(8);
        if (id.length >= 16) expect(r).not.toContain(id.slice(4, -4));
      }),
    );
  });
});

describe('scrubText', () => {
  it.each([
    ['Authorization: Bearer abcdef.ghijk-lmn', 'Authorization: Bearer [REDACTED]'],
    ['basic Zm9vOmJhcg==', 'basic [REDACTED]'],
    ['a=1&access_token=xyz123&b=2', 'a=1&access_token=[REDACTED]&b=2'],
    ['{"client_secret": "p@ss"}', '{"client_secret": "[REDACTED]"}'],
    ['password=hunter2 and more', 'password=[REDACTED] and more'],
    ['nothing to see here', 'nothing to see here'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '[REDACTED-JWT]'],
    // Upper case must get past the cheap pre-check too.
    ['NEGOTIATE YWJjZGVmZ2g=', 'NEGOTIATE [REDACTED]'],
    ['ID_TOKEN=abc.def', 'ID_TOKEN=[REDACTED]'],
    ['CLIENT_ASSERTION: abcdef', 'CLIENT_ASSERTION: [REDACTED]'],
    ['ClientId=8f7c2f64-aaaa-bbbb-cccc-ddddeeee9ad1', 'ClientId=8f7c****9ad1'],
  ])('%s', (input, output) => {
    expect(scrubText(input)).toBe(output);
  });

  it('masks every credential form in any case, whatever text surrounds it (the pre-check lets none through)', () => {
    // Key and scheme names match in any case; a JWT only as eyJ (an upper-cased one is not a JWT).
    const forms = fc.constantFrom(
      'Bearer abcdefgh',
      'access_token=s3cr3tvalue',
      'password: hunter22',
      'client_id=0123456789abcdef0123',
    );
    fc.assert(
      fc.property(fc.string(), forms, fc.string(), fc.boolean(), (before, form, after, upper) => {
        const text = `${before} ${upper ? form.toUpperCase() : form} ${after}`;
        const secret = form.split(/[ =:]+/).pop() as string;
        expect(scrubText(text)).not.toContain(upper ? secret.toUpperCase() : secret);
      }),
    );
  });

  it('removes any JWT-shaped string embedded in text', () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{10,40}$/);
    fc.assert(
      fc.property(segment, segment, segment, fc.string(), (h, p, s, around) => {
        const jwt = `eyJ${h}.${p}.${s}`;
        expect(scrubText(`${around} ${jwt} ${around}`)).not.toContain(`${p}.${s}`);
      }),
    );
  });
});

describe('scrubValue', () => {
  it('replaces secret-named keys at any depth and in arrays', () => {
    const input = { a: [{ Client_Secret: 'x1' }], b: { c: { 'x-identity-header': 'x2', token: 'x3' } } };
    expect(scrubValue(input)).toEqual({
      a: [{ Client_Secret: REDACTED }],
      b: { c: { 'x-identity-header': REDACTED, token: REDACTED } },
    });
  });

  it('leaves empty secret fields as they are (so "no secret" stays visible)', () => {
    expect(scrubValue({ password: '', token: undefined })).toEqual({ password: '', token: undefined });
  });

  it('cuts cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    expect(scrubValue(cyclic)).toEqual({ name: 'x', self: '[Circular]' });
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(scrubValue(deep))).toContain('[Truncated]');
  });

  it('turns errors into plain objects with scrubbed text', () => {
    const err = Object.assign(new Error('failed with access_token=abc123'), { code: 'E1', statusCode: 401 });
    expect(scrubValue(err)).toMatchObject({
      type: 'Error',
      message: 'failed with access_token=[REDACTED]',
      code: 'E1',
      statusCode: 401,
    });
  });

  it('summarises buffers instead of dumping them', () => {
    expect(scrubValue({ pfx: Buffer.from('abc'), data: Buffer.from('abcd') })).toEqual({
      pfx: REDACTED,
      data: '[Buffer 4 bytes]',
    });
  });
});

describe('isSecretKey', () => {
  it.each(['authorization', 'Authorization', 'access_token', 'accessToken', 'clientSecret', 'CLIENT-SECRET'])(
    '%s is secret',
    (key) => expect(isSecretKey(key)).toBe(true),
  );
  it.each(['name', 'tokenType', 'expires_in', 'resource'])('%s is not', (key) =>
    expect(isSecretKey(key)).toBe(false),
  );
});

describe('scrubJsonLine', () => {
  it('replaces secret-named string values and shortens client ids in serialised JSON', () => {
    const line = JSON.stringify({
      a: { token: 'abc"def', clientID: '8f7c2f64-1111-2222-3333-4444aaaa9ad1' },
      msg: 'ok',
    });
    const out = scrubJsonLine(line);
    expect(JSON.parse(out)).toEqual({ a: { token: REDACTED, clientID: '8f7c****9ad1' }, msg: 'ok' });
  });

  it('always yields valid JSON for JSON input', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('token', 'name', 'client_id', 'password', 'x'), fc.string()),
        (obj) => {
          expect(() => JSON.parse(scrubJsonLine(JSON.stringify(obj)))).not.toThrow();
        },
      ),
    );
  });
});
