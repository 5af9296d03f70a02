// Fault injection for NMI: restarted under load on the same port, and an IMDS outage. During each fault
// clients may see only retryable answers (503/429 with Retry-After, or a refused connection that SDKs
// retry); no request ever gets another pod's token; afterwards every pod is served again.
import { Tally } from '@pod-identity/security-tests';
import { freePort } from './support/child-nmi';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, World } from './support/world';

const world = new World();
const ns = `nmi-fault-${world.id}`;
const tally = new Tally('nmi-faults');
let port: number;
let nmi: RunningNmi;
const pods: Array<{ ip: string; clientId: string }> = [];

async function start(): Promise<RunningNmi> {
  const running = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: [`--nmi-port=${port}`, '--pod-lookup-wait=2s', '--upstream-timeout=2s'],
  });
  await waitReady(running);
  return running;
}

/** One request from every pod; counts each outcome; fails on another pod's token or a non-retryable answer. */
async function round(
  resource: string,
  counted: boolean,
): Promise<{ wrongToken: number; nonRetryable: number }> {
  let wrongToken = 0;
  let nonRetryable = 0;
  await Promise.all(
    pods.map(async (pod) => {
      try {
        const answer = await call(port, tokenPath(resource), { from: pod.ip, timeoutMs: 10_000 });
        if (
          answer.status === 200 &&
          (JSON.parse(answer.body) as { client_id: string }).client_id !== pod.clientId
        )
          wrongToken++;
        if (counted && !tally.request({ status: answer.status })) nonRetryable++;
      } catch (err) {
        if (counted) tally.request({ transportError: (err as Error).message });
      }
    }),
  );
  return { wrongToken, nonRetryable };
}

beforeAll(async () => {
  await world.open([ns]);
  port = await freePort();
  nmi = await start();
  for (let i = 0; i < 4; i++) {
    const { identity, binding, uami } = await world.uami(ns, `f${i}-id`, `f${i}`);
    const ip = await world.pod(ns, `f${i}`, { aadpodidbinding: `f${i}` });
    await world.assign({ namespace: ns, name: `f${i}` }, identity, binding);
    pods.push({ ip, clientId: uami.clientId });
  }
  await eventually(
    'all served',
    async () =>
      (await round('https://warm.example', false)).wrongToken === 0 &&
      (
        await Promise.all(pods.map((p) => call(port, tokenPath('https://warm.example'), { from: p.ip })))
      ).every((a) => a.status === 200),
    30_000,
  );
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
  tally.print();
});

it('NMI restarted under load: only retryable failures, no wrong token, all served after', async () => {
  let stop = false;
  const totals = { wrongToken: 0, nonRetryable: 0 };
  const load = (async (): Promise<void> => {
    for (let i = 0; !stop; i++) {
      const r = await round(i % 2 === 0 ? 'https://warm.example' : `https://fresh-${i}.example`, true);
      totals.wrongToken += r.wrongToken;
      totals.nonRetryable += r.nonRetryable;
    }
  })();
  await new Promise((r) => setTimeout(r, 500));
  await nmi.stop();
  await new Promise((r) => setTimeout(r, 300));
  nmi = await start();
  await new Promise((r) => setTimeout(r, 500));
  stop = true;
  await load;
  const after = await round('https://after-restart.example', false);
  const survived = totals.wrongToken === 0 && totals.nonRetryable === 0 && after.wrongToken === 0;
  tally.fault(survived);
  expect(totals).toEqual({ wrongToken: 0, nonRetryable: 0 });
  expect(
    (
      await Promise.all(
        pods.map((p) => call(port, tokenPath('https://after-restart.example'), { from: p.ip })),
      )
    ).map((a) => a.status),
  ).toEqual(pods.map(() => 200));
}, 90_000);

it('IMDS outage (dropped connections, then hung ones): cached tokens served, misses retryable, recovery after', async () => {
  const totals = { wrongToken: 0, nonRetryable: 0 };
  for (const action of [{ type: 'drop' as const }, { type: 'hang' as const, ms: 5_000 }]) {
    const rule = await world.emulator.control.addFault({ match: { service: 'imds' }, action });
    try {
      for (let i = 0; i < 3; i++) {
        for (const resource of ['https://warm.example', `https://outage-${action.type}-${i}.example`]) {
          const r = await round(resource, true);
          totals.wrongToken += r.wrongToken;
          totals.nonRetryable += r.nonRetryable;
        }
      }
    } finally {
      await world.emulator.control.removeFault(rule.id);
    }
    const recovered = await round(`https://after-${action.type}.example`, false);
    tally.fault(totals.wrongToken === 0 && totals.nonRetryable === 0 && recovered.wrongToken === 0);
  }
  expect(totals).toEqual({ wrongToken: 0, nonRetryable: 0 });
  await eventually(
    'served again',
    async () =>
      (
        await Promise.all(pods.map((p) => call(port, tokenPath('https://recovered.example'), { from: p.ip })))
      ).every((a) => a.status === 200),
    20_000,
  );
}, 90_000);
