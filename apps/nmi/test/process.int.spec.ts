// NMI as a child process (main.ts, signals and all): SIGTERM makes it stop accepting, lets the request
// in flight finish with its token, and exit 0. The request is held in flight by a latency fault on the
// emulator's IMDS, and SIGTERM is sent only once the emulator has seen it.
import { call, tokenPath } from './support/client';
import { ChildNmi, type LogLine, removeDir, writeKubeconfig } from './support/child-nmi';
import { eventually, World } from './support/world';

const world = new World();
const ns = `nmi-proc-${world.id}`;
let child: ChildNmi | undefined;
let kubeconfigDir = '';

beforeAll(async () => {
  await world.open([ns]);
  const kubeconfig = writeKubeconfig(world.nmiKc);
  kubeconfigDir = kubeconfig.dir;
  child = new ChildNmi([
    `--node=${world.node}`,
    `--kubeconfig=${kubeconfig.path}`,
    '--nmi-port=0',
    '--http-probe-port=0',
    '--prometheus-port=0',
    '--probe-address=127.0.0.1',
    '--metadata-ip=127.0.0.1',
    `--metadata-port=${world.imdsPort}`,
    '--manage-iptables=false',
    '--kubelet-config=/nonexistent/kubelet',
    '--pod-lookup-wait=5s',
    '--shutdown-grace=30s',
  ]);
});

afterAll(async () => {
  await child?.kill();
  removeDir(kubeconfigDir);
  await world.close();
});

const isAudit =
  (resource: string) =>
  (line: LogLine): boolean =>
    line.audit === 'token-issued' && line.resource === resource;

it('drains the request in flight on SIGTERM and exits 0', async () => {
  const nmi = child as ChildNmi;
  const { port, probePort } = await nmi.started();
  await eventually(
    'ready',
    async () => (await call(probePort, '/readyz', { from: '127.0.0.1', headers: {} })).status === 200,
    30_000,
  );

  const { identity, binding } = await world.uami(ns, 'drain-id', 'drain');
  const ip = await world.pod(ns, 'drain', { aadpodidbinding: 'drain' });
  await world.assign({ namespace: ns, name: 'drain' }, identity, binding);
  await eventually(
    'token served',
    async () => (await call(port, tokenPath('https://warm.example'), { from: ip })).status === 200,
    30_000,
  );

  await world.emulator.control.addFault({
    match: { service: 'imds', operation: 'identity/oauth2/token' },
    action: { type: 'latency', ms: 4000 },
    times: 1,
  });
  const before = await world.imdsTokenRequests();
  const inFlight = call(port, tokenPath('https://drain.example'), { from: ip, timeoutMs: 60_000 });
  await eventually('request reached IMDS', async () => (await world.imdsTokenRequests()) > before);

  nmi.signal('SIGTERM');
  await nmi.waitForLog(
    '"nmi stopping"',
    (l) => typeof l.msg === 'string' && l.msg.startsWith('nmi stopping'),
  );
  // No longer accepting: a new connection is refused while the old request is still being served.
  await expect(
    call(port, tokenPath('https://drain.example'), { from: ip, timeoutMs: 10_000 }),
  ).rejects.toThrow(/ECONNREFUSED/);

  const answer = await inFlight;
  expect(answer.status).toBe(200);
  expect(JSON.parse(answer.body).resource).toBe('https://drain.example');
  expect(await nmi.waitForExit()).toEqual({ code: 0, signal: null });

  const signalAt = nmi.lines.findIndex((l) => l.msg === 'signal received' && l.signal === 'SIGTERM');
  const issuedAt = nmi.lines.findIndex(isAudit('https://drain.example'));
  const stoppedAt = nmi.lines.findIndex((l) => l.msg === 'nmi stopped');
  expect(signalAt).toBeGreaterThanOrEqual(0);
  expect(issuedAt).toBeGreaterThan(signalAt);
  expect(stoppedAt).toBeGreaterThan(issuedAt);
});
