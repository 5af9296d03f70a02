// NMI cases 1-3 of issues 8 and 18 against one NMI child process on node "nmi-pool-0" (instance 0 of an emulated
// VMSS holding the identities): cache hit vs a bare node:http server, cache miss with IMDS latency 0 and
// 20 ms, and RSS with 110 pods on the node and 5,000 AzureAssignedIdentities in the cluster.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NmiProcess, startNmi } from './agents';
import { type BenchContext, selected } from './context';
import { load } from './load';
import { get, metricSum, tokenPath, until } from './net';
import { Child } from './proc';
import { identity, type Identity, seedFor, World } from './world';

const NS = 'bench-nmi';
const NODE = 'nmi-pool-0';
const PODS = 110;
const IDENTITIES = 10;
const CLUSTER_ASSIGNED = 5_000;
/** Load variants: `pinned` puts the load generator (this process) and the server on separate cores. */
const VARIANTS = [
  { c: 1, pinned: false },
  { c: 16, pinned: false },
  { c: 64, pinned: false },
  { c: 64, pinned: true },
] as const;
const RESOURCE = 'https://vault.azure.net';

const podIp = (i: number): string => `127.0.${1 + Math.floor(i / 200)}.${2 + (i % 200)}`;
const podName = (i: number): string => `app-${i}`;

interface NmiWorld {
  readonly world: World;
  readonly nmi: NmiProcess;
  readonly ids: Identity[];
}

async function openWorld(ctx: BenchContext): Promise<NmiWorld> {
  const ids = Array.from({ length: IDENTITIES }, (_, i) => identity(`nmi-id-${i}`));
  const world = await World.start(seedFor(ids, [{ name: 'nmi-pool', instances: 1, assigned: ids }]));
  try {
    await world.namespace(NS);
    await world.identities(NS, ids);
    const pods = Array.from({ length: PODS }, (_, i) => ({
      name: podName(i),
      node: NODE,
      selector: ids[i % IDENTITIES].name,
      ip: podIp(i),
    }));
    await world.pods(NS, pods);
    const onNode = pods.map((p, i) => ({ pod: p.name, node: NODE, identity: ids[i % IDENTITIES] }));
    const elsewhere = Array.from({ length: CLUSTER_ASSIGNED - PODS }, (_, i) => ({
      pod: `elsewhere-${i}`,
      node: `other-node-${i % 200}`,
      identity: ids[i % IDENTITIES],
    }));
    const started = Date.now();
    await world.assigned(NS, [...onNode, ...elsewhere]);
    ctx.log(
      `nmi world: ${PODS} pods, ${CLUSTER_ASSIGNED} AzureAssignedIdentities created in ${Date.now() - started} ms`,
    );
    const imdsPort = Number(new URL(world.emulator.imdsUrl('nmi-pool_0')).port);
    const nmi = await startNmi(ctx.entries.nmi, world, NODE, imdsPort, [], ctx.nmiNodeArgs);
    return { world, nmi, ids };
  } catch (err) {
    await world.stop();
    throw err;
  }
}

/** One token per pod, so every pod's (identity, resource) is cached; returns one answer body. */
async function warm(nmi: NmiProcess): Promise<string> {
  let body = '';
  for (let i = 0; i < PODS; i++) {
    await until(
      `token for ${podName(i)}`,
      async () => {
        const answer = await get(nmi.port, tokenPath(RESOURCE), podIp(i));
        if (answer.status === 200) body = answer.body;
        return answer.status === 200;
      },
      30_000,
      100,
    );
  }
  return body;
}

async function startBare(body: string): Promise<{ child: Child; port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bare-'));
  writeFileSync(join(dir, 'body.json'), body);
  const child = new Child(
    'bare',
    'tools/bench/src/cli/bare-server.ts',
    [join(dir, 'body.json')],
    {},
    'tools/bench/tsconfig.json',
  );
  const line = await child.waitForLog('listening', (l) => l.msg === 'listening', 30_000);
  return { child, port: Number(line.port), dir };
}

/** Runs `body` with this process (the load generator) on CPU 0 and the server on CPU 1 (taskset). */
async function pinnedApart<T>(serverPid: number, body: () => Promise<T>): Promise<T> {
  const all = `0-${availableParallelism() - 1}`;
  const pin = (cpus: string, pid: number): void => {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
  };
  pin('0', process.pid);
  pin('1', serverPid);
  try {
    return await body();
  } finally {
    pin(all, serverPid);
    pin(all, process.pid);
  }
}

async function cacheHit(ctx: BenchContext, nmi: NmiProcess, body: string): Promise<void> {
  const bare = await startBare(body);
  try {
    for (const { c, pinned } of VARIANTS) {
      if (pinned && availableParallelism() < 2) {
        ctx.log('cache hit pinned apart: skipped, one CPU only');
        continue;
      }
      const group = `1 NMI cache hit c=${c}${pinned ? ', load on CPU 0, server on CPU 1' : ''}`;
      const sources = Array.from({ length: c }, (_, i) => podIp(i));
      const loadOn = (port: number, pid: number) => {
        const run = () =>
          load({ port, connections: c, durationSec: ctx.loadSeconds, sources, path: tokenPath(RESOURCE) });
        return pinned ? pinnedApart(pid, run) : run();
      };
      for (let run = 0; run < ctx.runs; run++) {
        const ours = await loadOn(nmi.port, nmi.child.pid);
        const ceiling = await loadOn(bare.port, bare.child.pid);
        if (ours.non2xx + ours.errors > 0)
          ctx.log(
            `warning: ${group}: ${ours.non2xx} non-2xx, ${ours.errors} errors, statuses ${JSON.stringify(ours.statuses)}`,
          );
        const high = c === 64;
        ctx.rec.add(group, 'NMI req/s', 'req/s', ours.rps);
        ctx.rec.add(group, 'bare node:http req/s', 'req/s', ceiling.rps);
        ctx.rec.add(
          group,
          'NMI / bare',
          'ratio',
          ours.rps / ceiling.rps,
          c === 1
            ? { text: '>= 0.8', test: (m) => m >= 0.8 }
            : high
              ? { text: '>= 0.5', test: (m) => m >= 0.5 }
              : undefined,
        );
        ctx.rec.add(group, 'NMI p50', 'ms', ours.p50);
        ctx.rec.add(
          group,
          'NMI p99',
          'ms',
          ours.p99,
          high ? { text: '<= 5 ms', test: (m) => m <= 5 } : undefined,
        );
        ctx.rec.add(group, 'bare p50', 'ms', ceiling.p50);
        ctx.rec.add(group, 'bare p99', 'ms', ceiling.p99);
        ctx.log(
          `${group} run ${run + 1}: NMI ${ours.rps.toFixed(0)} req/s p99 ${ours.p99.toFixed(2)} ms; bare ${ceiling.rps.toFixed(0)} req/s p99 ${ceiling.p99.toFixed(2)} ms`,
        );
      }
    }
  } finally {
    await bare.child.stop();
    rmSync(bare.dir, { recursive: true, force: true });
  }
}

const MISSES = 20;

async function cacheMiss(ctx: BenchContext, world: World, nmi: NmiProcess): Promise<void> {
  for (const latency of [0, 20]) {
    const group = `2 NMI cache miss, IMDS +${latency} ms`;
    const rule =
      latency > 0
        ? await world.emulator.control.addFault({
            match: { service: 'imds' },
            action: { type: 'latency', ms: latency },
          })
        : undefined;
    try {
      for (let run = 0; run < ctx.runs; run++) {
        const tag = `${latency}-${run}-${Date.now()}`;
        // Paced under NMI's own IMDS budget (--imds-rate 10/s) so the figure is the miss, not the queue.
        const r = await load({
          port: nmi.port,
          connections: 1,
          amount: MISSES,
          overallRate: 8,
          sources: [podIp(0)],
          path: (n) => tokenPath(`https://miss-${tag}-${n}.example`),
        });
        if (r.non2xx + r.errors > 0)
          ctx.log(
            `warning: ${group}: ${r.non2xx} non-2xx, ${r.errors} errors, statuses ${JSON.stringify(r.statuses)}`,
          );
        ctx.rec.add(group, 'p50', 'ms', r.p50);
        ctx.rec.add(group, `p99 (max of ${MISSES})`, 'ms', r.p99);
      }
    } finally {
      if (rule) await world.emulator.control.removeFault(rule.id);
    }
  }
}

export async function nmiSuite(ctx: BenchContext): Promise<void> {
  const { world, nmi } = await openWorld(ctx);
  try {
    const ready = nmi.child.stats();
    const body = await warm(nmi);
    const warmed = nmi.child.stats();
    ctx.rec.add('3 NMI memory (110 pods, 5,000 AAI)', 'RSS when ready', 'MB', ready.rssMb, {
      text: '<= 60 MB',
      test: (m) => m <= 60,
    });
    ctx.rec.add('3 NMI memory (110 pods, 5,000 AAI)', 'RSS after 110 tokens cached', 'MB', warmed.rssMb);
    if (selected(ctx, 'nmi.hit')) await cacheHit(ctx, nmi, body);
    if (selected(ctx, 'nmi.miss')) await cacheMiss(ctx, world, nmi);
    const after = nmi.child.stats();
    ctx.rec.add('3 NMI memory (110 pods, 5,000 AAI)', 'RSS after the load', 'MB', after.rssMb, {
      text: '<= 75 MB',
      test: (m) => m <= 75,
    });
    ctx.rec.add('3 NMI memory (110 pods, 5,000 AAI)', 'peak RSS (VmHWM)', 'MB', after.peakRssMb);
    // Live heap as NMI itself reports it (prom-client's process metrics): what the heap cap must hold.
    const metrics = await get(nmi.metricsPort, '/metrics', '127.0.0.1', {});
    ctx.rec.add(
      '3 NMI memory (110 pods, 5,000 AAI)',
      'V8 heap used after the load',
      'MB',
      metricSum(metrics.body, 'nmi_nodejs_heap_size_used_bytes') / 2 ** 20,
    );
    ctx.rec.add('3 NMI memory (110 pods, 5,000 AAI)', 'CPU seconds (whole NMI run)', 's', after.cpuSeconds);
  } finally {
    await nmi.child.stop();
    await world.stop();
  }
}
