// Quick measurements (printed, not asserted): token latency on a cache hit, and how long after an
// assignment turns Assigned a waiting request gets its token.
import { setAssignedStatus } from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, World } from './support/world';

const world = new World();
const ns = `nmi-bench-${world.id}`;
let nmi: RunningNmi;

beforeAll(async () => {
  await world.open([ns]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: ['--assignment-wait=10s', '--log-level=info'],
  });
  await waitReady(nmi);
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

it('measures cache-hit latency and first token after Assigned', async () => {
  const { identity, binding } = await world.uami(ns, 'bench-id', 'bench');
  const ip = await world.pod(ns, 'bench', { aadpodidbinding: 'bench' });
  const aai = await world.assign({ namespace: ns, name: 'bench' }, identity, binding, 'Created');
  await eventually(
    'pending seen',
    async () =>
      (await call(nmi.port, tokenPath('https://warm.example'), { from: ip, timeoutMs: 30_000 })).status !==
        200 || true,
  );

  const waiting = call(nmi.port, tokenPath('https://first.example'), { from: ip, timeoutMs: 30_000 });
  await new Promise((r) => setTimeout(r, 300));
  const flipped = performance.now();
  await setAssignedStatus(world.admin, ns, aai, 'Assigned');
  const first = await waiting;
  const firstTokenMs = performance.now() - flipped;
  expect(first.status).toBe(200);

  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    const answer = await call(nmi.port, tokenPath('https://first.example'), { from: ip });
    samples.push(performance.now() - started);
    expect(answer.status).toBe(200);
  }
  samples.sort((a, b) => a - b);
  const result = {
    firstTokenAfterAssignedMs: Math.round(firstTokenMs),
    cacheHitMs: {
      p50: +percentile(samples, 50).toFixed(2),
      p99: +percentile(samples, 99).toFixed(2),
      n: samples.length,
    },
  };
  process.stdout.write(`\nNMI measurement: ${JSON.stringify(result)}\n`);
});
