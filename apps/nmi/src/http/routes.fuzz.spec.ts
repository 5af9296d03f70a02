// Property tests (fast-check) for NMI's request-target parsing: generated paths and queries, many of them
// hostile (case, separators, percent-encoding, dot segments, NULs). For every input: no crash, a token
// path is answered only in its one canonical spelling, any other spelling of it is never forwarded to the
// real IMDS (which would hand out the VM's identity), and instance metadata stays blocked.
import fc from 'fast-check';
import { isNmiError } from '../errors';
import { renderError } from './error-table';
import { classifyRequest, type Route } from './routes';
import { parseTokenQuery } from './token-query';

const RUNS = { numRuns: 3000 };
const ROUTES: readonly Route[] = ['token', 'invalid', 'host-token', 'blocked', 'proxy'];
const BLOCK = { blockInstanceMetadata: true };

/** One character, possibly percent-encoded (either hex case) or case-flipped. */
const disguisedChar = (ch: string): fc.Arbitrary<string> => {
  const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
  return fc.constantFrom(ch, ch.toUpperCase(), `%${hex}`, `%${hex.toUpperCase()}`);
};

/** A word, each character kept most of the time and otherwise disguised. */
const disguisedWord = (word: string): fc.Arbitrary<string> =>
  fc
    .tuple(
      ...[...word].map((ch) =>
        fc.oneof({ arbitrary: fc.constant(ch), weight: 6 }, { arbitrary: disguisedChar(ch), weight: 1 }),
      ),
    )
    .map((parts) => parts.join(''));

// ';' path parameters have their own cases at the end (the security suite's finding B1, fixed).
const SEPARATORS = [
  '/',
  '/',
  '/',
  '//',
  '\\',
  '%2F',
  '%2f',
  '%5C',
  '/./',
  '/../',
  '/%2e/',
  '/%2E%2E/',
  '%00/',
];
const separator = fc.constantFrom(...SEPARATORS);

/** Paths built from the segments of a token or instance path with hostile separators and spellings. */
function hostilePath(words: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      separator,
      ...words.map((w) => fc.tuple(disguisedWord(w), separator)),
      fc.constantFrom('', '/', '//', '%20', ';x', '#f', '%3F'),
    )
    .map(([lead, ...rest]) => {
      const tail = rest.pop() as unknown as string;
      const body = (rest as Array<[string, string]>)
        .map(([w, s], i) => (i === rest.length - 1 ? w : w + s))
        .join('');
      return lead + body + tail;
    });
}

/** The one spelling NMI answers itself: /<metadata in any case>/identity/oauth2/token[/], slashes collapsed. */
function isCanonicalToken(path: string): boolean {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return (
    /^\/metadata\/identity\/oauth2\/token\/?$/i.test(collapsed) &&
    /^\/[^/]+\/identity\/oauth2\/token\/?$/.test(collapsed)
  );
}

function decodedLower(path: string): string | undefined {
  try {
    return decodeURIComponent(path)
      .replace(/\/{2,}/g, '/')
      .toLowerCase();
  } catch {
    return undefined;
  }
}

describe('classifyRequest (fuzz)', () => {
  it('never throws and always names one of the five routes, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.boolean(), (target, block) => {
        const c = classifyRequest(target, { blockInstanceMetadata: block });
        expect(ROUTES).toContain(c.route);
        expect(c.path).not.toMatch(/\/\//);
      }),
      RUNS,
    );
  });

  it('answers a token path only in its canonical spelling and never forwards another spelling of it', () => {
    const path = hostilePath(['metadata', 'identity', 'oauth2', 'token']);
    fc.assert(
      fc.property(path, fc.constantFrom('', '?resource=x', '?resource=x&client_id=y'), (p, q) => {
        const { route } = classifyRequest(p + q, BLOCK);
        if (isCanonicalToken(p)) expect(route).toBe('token');
        else expect(['invalid', 'blocked']).toContain(route);
      }),
      RUNS,
    );
  });

  it('never forwards a request whose decoded path is a token request, whatever the case', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.mixedCase(fc.constant('/metadata/identity/oauth2/token')),
        (junk, token) => {
          for (const target of [
            token + junk,
            `/${junk}/..${token}`,
            token.replace('/oauth2', `/oauth2${junk}`),
          ]) {
            const { route } = classifyRequest(target, BLOCK);
            expect(
              route === 'proxy' &&
                decodedLower(target.split('?')[0])?.includes('/identity/oauth2/token') === true,
            ).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it('keeps instance metadata blocked under any disguise', () => {
    fc.assert(
      fc.property(
        hostilePath(['metadata', 'instance']),
        fc.constantFrom('', '/compute', '?api-version=2021-02-01'),
        (p, rest) => {
          const target = p + rest;
          const { route } = classifyRequest(target, BLOCK);
          const decoded = decodedLower(target.split('?')[0]);
          const isInstance = decoded !== undefined && /^\/metadata\/instance(\/|$)/.test(decoded);
          if (isInstance) expect(route).not.toBe('proxy');
        },
      ),
      RUNS,
    );
  });
});

/** Query strings from the parameters NMI reads, with duplicates, encoded names and empty values. */
const NAMES = [
  'resource',
  'client_id',
  'msi_res_id',
  'mi_res_id',
  'object_id',
  'api-version',
  'client%5Fid',
  'RESOURCE',
  'x',
];
const param = fc
  .tuple(
    fc.constantFrom(...NAMES),
    fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom('', ' ', '%', '%zz', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln'),
    ),
  )
  .map(([n, v]) => `${n}=${v}`);
const query = fc
  .array(fc.oneof(param, fc.string({ maxLength: 12 })), { maxLength: 8 })
  .map((parts) => parts.join('&'));

describe('parseTokenQuery (fuzz)', () => {
  it('either returns one identity choice with a resource, or throws a clear 400 that echoes no value', () => {
    fc.assert(
      fc.property(query, (q) => {
        let parsed: ReturnType<typeof parseTokenQuery> | undefined;
        try {
          parsed = parseTokenQuery(q);
        } catch (err) {
          expect(isNmiError(err) && ['bad-query', 'missing-resource'].includes(err.code)).toBe(true);
          const rendered = renderError(err, { assignmentRetryAfterSec: 15, setRetryAfterHeader: true });
          expect(rendered.status).toBe(400);
          const body = JSON.parse(rendered.body) as { error: string; error_description: string };
          expect(body.error).toBe('invalid_request');
          for (const value of new URLSearchParams(q).values())
            if (value.length >= 8) expect(body.error_description).not.toContain(value);
          return;
        }
        const params = new URLSearchParams(q);
        expect(parsed.resource.trim()).not.toBe('');
        expect(params.getAll('resource')).toEqual([parsed.resource]);
        for (const name of ['client_id', 'msi_res_id', 'mi_res_id', 'object_id'])
          expect(params.getAll(name).length).toBeLessThanOrEqual(1);
        if (parsed.request.by === 'clientId') expect(params.get('client_id')).toBe(parsed.request.value);
      }),
      RUNS,
    );
  });

  it('refuses a parameter given twice, however its name is encoded', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('client_id', 'client%5Fid', 'client%5fid', 'msi_res_id', 'object_id', 'resource'),
        fc.uuid(),
        fc.uuid(),
        (name, a, b) => {
          expect(() =>
            parseTokenQuery(
              `resource=r&client_id=${a}&${name}=${b}`.replace(
                'resource=r&',
                name === 'resource' ? 'resource=r&resource=s&' : 'resource=r&',
              ),
            ),
          ).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('renderError (fuzz)', () => {
  it('turns any thrown value that is not an NmiError into a bare 500 that reveals nothing', () => {
    fc.assert(
      fc.property(fc.anything(), (thrown) => {
        const r = renderError(
          thrown instanceof Error ? thrown : new Error(String(JSON.stringify(thrown) ?? '')),
          { assignmentRetryAfterSec: 1, setRetryAfterHeader: true },
        );
        expect(r.status).toBe(500);
        expect(r.body).toBe('{"error":"server_error","error_description":"internal error"}\n');
      }),
      { numRuns: 500 },
    );
  });
});

// Found by the security suite: ';' path parameters and extra segments used to be classified 'proxy'
// and forwarded to the node's real IMDS, which a server that strips ';' parameters (RFC 3986) would
// answer with the VM's own token or instance metadata.
describe('path parameters and extra segments cannot smuggle a token or instance request past NMI', () => {
  it.each([
    '/metadata;/identity/oauth2/token?resource=x',
    '/metadata;x=1/identity/oauth2/token?resource=x',
    '/metadata/;/identity/oauth2/token?resource=x',
    '/metadata/x/identity/oauth2/token?resource=x',
    '/metadata/%3B/identity/oauth2/token?resource=x',
    '/metadata/instance;/compute?api-version=2021-02-01',
    '/metadata/;/instance?api-version=2021-02-01',
  ])('is refused, not forwarded: %s', (target) => {
    expect(classifyRequest(target, BLOCK).route).toBe('invalid');
  });
});
