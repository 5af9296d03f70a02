// Adversarial suite against NMI (standard mode, in-process, its own ServiceAccount): each test tries an
// attack from docs/security.md and checks that it fails safe. Counts go to the security tally line.
// Attacks already covered elsewhere (missing Metadata, X-Forwarded-For, path tricks, IP reuse, cross-
// namespace assignments, /host/token via TokenReview, log scans) are in standard/managed.int.spec.ts.
import { Socket } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import { scanForLeaks, Tally } from '@pod-identity/security-tests';
import { createBinding, createIdentity, createSecret } from './support/cluster';
import { type Answer, call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, World } from './support/world';

const world = new World();
const nsA = `adv-a-${world.id}`;
const nsB = `adv-b-${world.id}`;
const tally = new Tally('nmi-adversarial');
const SP_SECRET = 'adversarial-sp-secret-value';
let nmi: RunningNmi;
const tokens: string[] = [];

interface Pod {
  readonly ip: string;
  readonly clientId: string;
  readonly objectId: string;
  readonly resourceId: string;
}
let alice: Pod;
let bob: Pod;

async function boundPod(ns: string, name: string): Promise<Pod> {
  const { identity, binding, uami } = await world.uami(ns, `${name}-id`, name);
  const ip = await world.pod(ns, name, { aadpodidbinding: name });
  await world.assign({ namespace: ns, name }, identity, binding);
  await eventually(
    `${name} served`,
    async () => (await call(nmi.port, tokenPath('https://probe.example'), { from: ip })).status === 200,
  );
  return { ip, clientId: uami.clientId, objectId: uami.objectId, resourceId: uami.resourceId };
}

/** The client id of a 200 answer (single token form), else undefined. */
function servedClientId(answer: Answer): string | undefined {
  if (answer.status !== 200) return undefined;
  const body = JSON.parse(answer.body) as { client_id?: string; access_token?: string };
  if (body.access_token) tokens.push(body.access_token);
  return body.client_id?.toLowerCase();
}

beforeAll(async () => {
  await world.open([nsA, nsB]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    authorityCaPem: world.emulator.ca.pem,
    args: [
      '--pod-lookup-wait=2s',
      '--assignment-wait=1s',
      '--request-timeout=2s',
      `--default-ad-endpoint=${world.authorityHost}`,
    ],
  });
  await waitReady(nmi);
  alice = await boundPod(nsA, 'alice');
  bob = await boundPod(nsA, 'bob');
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
  tally.print();
});

describe("asking for another pod's identity", () => {
  it.each([
    ['client_id', () => `&client_id=${bob.clientId}`],
    ['client_id in upper case', () => `&client_id=${bob.clientId.toUpperCase()}`],
    ['msi_res_id', () => `&msi_res_id=${encodeURIComponent(bob.resourceId)}`],
    ['mi_res_id', () => `&mi_res_id=${encodeURIComponent(bob.resourceId)}`],
    ['object_id', () => `&object_id=${bob.objectId}`],
    [
      "its own client_id and bob's msi_res_id",
      () => `&client_id=${alice.clientId}&msi_res_id=${encodeURIComponent(bob.resourceId)}`,
    ],
  ])("by %s: refused, never bob's token", async (_name, extra) => {
    const before = await world.imdsTokenRequests();
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net', extra()), { from: alice.ip });
    const refused = answer.status === 400 && servedClientId(answer) === undefined;
    tally.attack(refused);
    expect(answer.status).toBe(400);
    // Not even fetched: authorisation is decided before any upstream call.
    if (!extra().includes('object_id')) expect(await world.imdsTokenRequests()).toBe(before);
  });
});

describe('spoofed caller headers', () => {
  it.each([
    ['X-Real-IP', { 'X-Real-IP': '' }],
    ['Forwarded', { Forwarded: 'for=' }],
    ['X-Client-IP', { 'X-Client-IP': '' }],
    ['True-Client-IP', { 'True-Client-IP': '' }],
    ['X-Original-Forwarded-For', { 'X-Original-Forwarded-For': '' }],
    ['podns/podname (the original /host/token headers)', { podns: 'NS', podname: 'bob' }],
    ['Host: 169.254.169.254', { Host: '169.254.169.254' }],
  ])("%s naming bob never gets bob's identity", async (_name, headers) => {
    const spoof = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        v === '' ? bob.ip : v === 'for=' ? `for=${bob.ip}` : v.replace('NS', nsA),
      ]),
    );
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), {
      from: alice.ip,
      headers: { Metadata: 'true', ...spoof },
    });
    const got = servedClientId(answer);
    tally.attack(got !== bob.clientId.toLowerCase());
    expect(got).not.toBe(bob.clientId.toLowerCase());
    // Either refused, or answered for the real caller (the socket's address).
    if (answer.status === 200) expect(got).toBe(alice.clientId.toLowerCase());
  });

  it('a doubled Metadata header is refused', async () => {
    const answer = await rawRequest(
      alice.ip,
      `GET ${tokenPath('https://vault.azure.net')} HTTP/1.1\r\nHost: x\r\nMetadata: true\r\nMetadata: true\r\nConnection: close\r\n\r\n`,
    );
    tally.attack(!answer.startsWith('HTTP/1.1 200'));
    expect(answer).not.toMatch(/^HTTP\/1\.1 200/);
  });

  it('/host/token is off by default, whatever the headers say', async () => {
    const answer = await call(nmi.port, '/host/token/?resource=https://vault.azure.net', {
      from: '127.0.0.1',
      headers: { podns: nsA, podname: 'bob', Authorization: 'Bearer x' },
    });
    tally.attack(answer.status === 404);
    expect(answer.status).toBe(404);
  });
});

/** Writes `payload` on a raw connection from `from`; resolves with everything read until the server closes (bounded). */
function rawRequest(from: string, payload: string | Buffer, timeoutMs = 8_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`${data}<client timeout>`);
    }, timeoutMs);
    socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
    socket.connect({ host: '127.0.0.1', port: nmi.port, localAddress: from }, () => socket.end(payload));
  });
}

describe('malformed and oversized requests', () => {
  const CASES: ReadonlyArray<[string, () => string | Buffer]> = [
    ['binary garbage', () => Buffer.from([0, 1, 2, 255, 13, 10, 13, 10])],
    ['no HTTP version', () => 'GET /metadata/identity/oauth2/token?resource=x\r\n\r\n'],
    [
      'a header without a colon',
      () => 'GET /metadata/identity/oauth2/token?resource=x HTTP/1.1\r\nMetadata true\r\n\r\n',
    ],
    [
      'CRLF injected through the query',
      () => `GET ${tokenPath('x\r\nSet-Cookie: a=b')} HTTP/1.1\r\nHost: x\r\nMetadata: true\r\n\r\n`,
    ],
    [
      'an absolute-form target naming IMDS',
      () =>
        'GET http://169.254.169.254/metadata/identity/oauth2/token?resource=x HTTP/1.1\r\nHost: 169.254.169.254\r\nMetadata: true\r\n\r\n',
    ],
    [
      'a 2 MiB body on the token endpoint',
      () =>
        `POST ${tokenPath('x')} HTTP/1.1\r\nHost: x\r\nMetadata: true\r\nContent-Length: 2097152\r\n\r\n${'a'.repeat(2 * 1024 * 1024)}`,
    ],
    [
      'conflicting Content-Length and chunked (smuggling)',
      () =>
        `GET ${tokenPath('x')} HTTP/1.1\r\nHost: x\r\nMetadata: true\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metadata/instance HTTP/1.1\r\nMetadata: true\r\n\r\n`,
    ],
    [
      '2,000 headers',
      () => `GET ${tokenPath('x')} HTTP/1.1\r\nMetadata: true\r\n${'X-A: b\r\n'.repeat(2000)}\r\n`,
    ],
    [
      'a 64 KiB request line',
      () =>
        `GET /metadata/identity/oauth2/token?resource=${'a'.repeat(65536)} HTTP/1.1\r\nMetadata: true\r\n\r\n`,
    ],
  ];

  it.each(CASES)('%s: no token, NMI keeps serving', async (_name, payload) => {
    const before = await world.imdsRequests();
    const answer = await rawRequest(alice.ip, payload());
    const noToken = !answer.includes('access_token') && !/^HTTP\/1\.1 200/.test(answer);
    const statusLine = answer.split('\r\n')[0] ?? '';
    const safeStatus = answer === '' || /^HTTP\/1\.1 4\d\d/.test(statusLine);
    const stillServes =
      (await call(nmi.port, tokenPath('https://probe.example'), { from: alice.ip })).status === 200;
    tally.attack(noToken && safeStatus && stillServes);
    expect(noToken).toBe(true);
    expect(safeStatus).toBe(true);
    expect(answer).not.toMatch(/\r\nSet-Cookie/i);
    expect(stillServes).toBe(true);
    expect(await world.imdsRequests()).toBeLessThanOrEqual(before + 1);
  });
});

describe('slow-loris', () => {
  let closeTimes: number[] = [];
  it('cuts 20 connections that dribble their headers (bounded), and serves everyone else meanwhile', async () => {
    const sockets: Socket[] = [];
    const closed: Array<Promise<number>> = [];
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const s = new Socket();
      s.on('error', () => undefined);
      closed.push(new Promise((resolve) => s.on('close', () => resolve(Date.now() - started))));
      s.connect({ host: '127.0.0.1', port: nmi.port, localAddress: bob.ip }, () =>
        s.write('GET /metadata/identity/oauth2/token?resource=x HTTP/1.1\r\nMetadata: true\r\n'),
      );
      sockets.push(s);
    }
    const drip = setInterval(() => sockets.forEach((s) => s.writable && s.write('X-Slow: 1\r\n')), 300);
    try {
      const served = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: alice.ip });
      expect(served.status).toBe(200);
      // Bound: --request-timeout (2 s) + NMI's connection check interval (500 ms here) + generous slack.
      let guardTimer: NodeJS.Timeout | undefined;
      const guard = new Promise<number[]>((resolve) => (guardTimer = setTimeout(() => resolve([]), 45_000)));
      closeTimes = await Promise.race([Promise.all(closed), guard]);
      clearTimeout(guardTimer);
      tally.attack(closeTimes.length === 20);
      // NMI closed every dribbling connection, the test did not have to.
      expect(closeTimes).toHaveLength(20);
    } finally {
      clearInterval(drip);
      sockets.forEach((s) => s.destroy());
    }
  }, 60_000);

  // Found by this suite: without connectionsCheckingInterval node checked the timeouts only every 30 s,
  // so a dribbling client held its connection ~15x longer than --request-timeout=2s.
  it('cuts them within about --request-timeout (6 s)', () => {
    expect(closeTimes).toHaveLength(20);
    expect(Math.max(...closeTimes)).toBeLessThan(6_000);
  });
});

describe('service principal credentials that are missing or wrong', () => {
  it('a Secret with the wrong keys is a retryable 503 that names what to fix; other pods are still served', async () => {
    const clientId = await world.servicePrincipal({ secret: SP_SECRET });
    // Two keys, neither clientSecret (one key alone is taken as the secret, for old Secrets).
    await createSecret(world.admin, nsA, 'wrong-keys', {
      'client-secret': Buffer.from(SP_SECRET),
      note: Buffer.from('x'),
    });
    const identity = await createIdentity(world.admin, nsA, 'sp-wrong-keys', {
      type: 1,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'wrong-keys', namespace: nsA },
    });
    const binding = await createBinding(world.admin, nsA, 'sp-wrong-keys-binding', 'sp-wrong-keys', 'spwk');
    const ip = await world.pod(nsA, 'spwk', { aadpodidbinding: 'spwk' });
    await world.assign({ namespace: nsA, name: 'spwk' }, identity, binding);
    let answer: Answer | undefined;
    await eventually('refused', async () => {
      answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
      return answer.status !== 400 || !answer.body.includes('Identity not found');
    });
    tally.attack(answer?.status === 503);
    expect(answer?.status).toBe(503);
    expect(answer?.headers['retry-after']).toBeDefined();
    expect(answer?.body).not.toContain(SP_SECRET);
    expect((await call(nmi.port, tokenPath('https://vault.azure.net'), { from: alice.ip })).status).toBe(200);
    // The log names the Secret and the missing key, never the value.
    const log = nmi.logs.join('');
    expect(log).toContain('wrong-keys');
    expect(log).toMatch(/clientSecret|clientsecret/);
  });
});

describe('tokens and secrets never leak', () => {
  it('no token, secret or full client id in NMI logs, error bodies or Kubernetes Events', async () => {
    const secrets = [SP_SECRET, ...tokens, ...[alice, bob].map((p) => p.clientId)];
    const core = world.admin.makeApiClient(CoreV1Api);
    const events: string[] = [];
    for (const ns of [nsA, nsB, world.system]) {
      for (const e of (await core.listNamespacedEvent({ namespace: ns })).items)
        events.push(JSON.stringify(e));
    }
    const leaks = scanForLeaks([...nmi.logs, ...events], secrets);
    tally.attack(leaks.length === 0);
    expect(leaks).toEqual([]);
    expect(tokens.length).toBeGreaterThan(0);
  });
});
