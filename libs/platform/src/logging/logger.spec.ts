import { Writable } from 'node:stream';
import { createLogger, parseLogLevel } from './logger';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  const text = (): string => chunks.join('');
  const lines = (): Array<Record<string, unknown>> =>
    text()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stream, lines, text };
}

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.c2lnbmF0dXJlLXBhcnQtaGVyZQ';
const SECRET = 'sup3r-s3cret-value-xyz';
const CLIENT_ID = '8f7c2f64-1111-2222-3333-4444aaaa9ad1';

describe('createLogger', () => {
  it('writes one JSON object per line with level label, name, time and message', () => {
    const out = capture();
    const log = createLogger({ name: 'nmi', level: 'debug', destination: out.stream });
    log.info({ pod: 'default/web' }, 'hello');
    log.debug('details');
    const [first, second] = out.lines();
    expect(first).toMatchObject({ level: 'info', name: 'nmi', msg: 'hello', pod: 'default/web' });
    expect(typeof first.time).toBe('string');
    expect(second).toMatchObject({ level: 'debug', msg: 'details' });
  });

  it('respects the level', () => {
    const out = capture();
    const log = createLogger({ name: 'mic', level: 'warn', destination: out.stream });
    log.info('dropped');
    log.warn('kept');
    expect(out.lines().map((l) => l.msg)).toEqual(['kept']);
  });

  it('never writes tokens, secrets or authorization headers, wherever they are', () => {
    const out = capture();
    const log = createLogger({ name: 'nmi', destination: out.stream, base: { node: 'n1' } });
    log.info({ req: { headers: { authorization: `Bearer ${JWT}`, host: 'x' } } }, 'request');
    log.info({ response: { access_token: JWT, expires_in: '3599' } }, 'token issued');
    log.info({ deep: { a: { b: { c: { clientSecret: SECRET, password: SECRET } } } } }, 'nested');
    log.info(`upstream said access_token=${SECRET}&expires_in=3599`);
    log.info(`raw ${JWT} in a message`);
    log.info({ url: `https://login/token?client_secret=${SECRET}&scope=x` }, 'url');
    log.info({ body: `{"access_token":"${SECRET}","token_type":"Bearer"}` }, 'json body');
    log.error(new Error(`request failed: Authorization: Bearer ${SECRET}`), 'boom');
    log.error({ err: Object.assign(new Error('x'), { cause: new Error(`inner ${JWT}`) }) }, 'with cause');
    log.child({ token: SECRET }).info('child');
    const text = out.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(JWT);
    expect(text).not.toContain(JWT.split('.')[1]);
    expect(text).toContain('[REDACTED]');
    expect(text).toContain('request failed');
    expect(out.lines()).toHaveLength(10);
  });

  it('shortens client ids in fields and in text', () => {
    const out = capture();
    const log = createLogger({ name: 'mic', destination: out.stream });
    log.info({ clientID: CLIENT_ID }, 'assigning');
    log.info(`GET /metadata/identity/oauth2/token?client_id=${CLIENT_ID}&resource=x`);
    const text = out.text();
    expect(text).not.toContain(CLIENT_ID);
    expect(out.lines()[0].clientID).toBe('8f7c****9ad1');
    expect(out.lines()[1].msg).toContain('client_id=8f7c****9ad1');
  });

  it('scrubs child bindings too, nested or not', () => {
    const out = capture();
    const log = createLogger({ name: 'mic', destination: out.stream });
    log
      .child({
        identity: { clientId: CLIENT_ID, spec: { clientPassword: SECRET } },
        note: `Bearer ${SECRET}`,
      })
      .info('x');
    const text = out.text();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(CLIENT_ID);
  });

  it('keeps ordinary fields intact', () => {
    const out = capture();
    const log = createLogger({ name: 'mic', destination: out.stream });
    log.info({ count: 3, ok: true, list: ['a', 'b'], when: null }, 'plain');
    expect(out.lines()[0]).toMatchObject({ count: 3, ok: true, list: ['a', 'b'], when: null, msg: 'plain' });
  });
});

describe('parseLogLevel', () => {
  it.each([
    ['info', 'info'],
    [' DEBUG ', 'debug'],
    ['silent', 'silent'],
    ['verbose', undefined],
  ])('%s -> %s', (text, level) => {
    expect(parseLogLevel(text)).toBe(level);
  });
});
