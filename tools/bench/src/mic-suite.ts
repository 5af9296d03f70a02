// MIC cases of issues 8 and 18: first token after pod creation (MIC + NMI), and convergence (a)-(d)
// against a fresh envtest control plane and emulator per run, each with ARM latency 0 and with the
// emulator's realistic options scaled by REALISTIC_SCALE.
import { realisticRuntimeOptions } from '@pod-identity/azure-emulator';
import { type BenchContext, selected } from './context';
import { type Convergence, convergenceCase, type CaseSize, type Restart } from './mic-convergence';
import { firstToken } from './first-token';

/** Realistic ARM/IMDS timings scaled by this factor: VMSS update 40 s → 4 s, VM 15 s → 1.5 s, IMDS propagation 10 s → 1 s. */
export const REALISTIC_SCALE = 0.1;
export const LATENCIES = [
  { label: 'ARM 0', options: undefined, armMs: 0 },
  {
    label: `ARM realistic x${REALISTIC_SCALE}`,
    options: realisticRuntimeOptions(REALISTIC_SCALE),
    armMs: 40_000 * REALISTIC_SCALE,
  },
] as const;

function sizes(scale: number): Record<'a' | 'b' | 'c', CaseSize> {
  const scaled = (n: number): number => Math.max(1, Math.round(n * scale));
  return {
    a: { id: 'a', pods: 40, scaleSets: 1, nodesPerSet: 3, identities: 10 },
    b: { id: 'b', pods: scaled(2_000), scaleSets: 3, nodesPerSet: scaled(10), identities: 100 },
    c: { id: 'c', pods: scaled(10_000), scaleSets: 10, nodesPerSet: scaled(20), identities: 100 },
  };
}

/** Targets of a case (issue 18 at ARM latency 0; issue 8's time goal with realistic latency). */
interface Targets {
  readonly seconds?: number;
  readonly rssMb?: number;
  readonly cpuSeconds?: number;
}

function atMost(limit: number | undefined, unit: string) {
  return limit === undefined ? undefined : { text: `<= ${limit} ${unit}`, test: (m: number) => m <= limit };
}

function targets(id: 'a' | 'b' | 'c', armMs: number, scale: number): Targets {
  if (scale !== 1) return {}; // the targets are for the sizes
  if (id === 'c') return { rssMb: 200 };
  if (armMs > 0) return id === 'b' ? { seconds: (2 * armMs + 10_000) / 1000 } : {};
  return id === 'a'
    ? { seconds: 0.5, rssMb: 60, cpuSeconds: 0.15 }
    : { seconds: 10, rssMb: 120, cpuSeconds: 3.5 };
}

function record(ctx: BenchContext, group: string, r: Convergence, goal: Targets = {}): void {
  const rec = ctx.rec;
  rec.add(group, 'time to all Assigned', 's', r.allAssignedMs / 1000, atMost(goal.seconds, 's'));
  rec.add(group, 'pods created in', 's', r.createdMs / 1000);
  rec.add(group, 'ARM writes accepted', 'count', r.arm.acceptedWrites, {
    text: `= min ${r.minWrites}`,
    test: (m) => m <= r.minWrites,
  });
  rec.add(group, 'ARM write requests', 'count', r.arm.writeRequests);
  rec.add(group, 'ARM reads (GET/list)', 'count', r.arm.reads);
  rec.add(group, 'ARM LRO polls', 'count', r.arm.polls);
  rec.add(group, 'ARM 429s', 'count', r.arm.throttled);
  rec.add(group, 'MIC syncs', 'count', r.syncs);
  rec.add(group, 'API server requests (excl. bench)', 'count', r.apiserverRequests);
  rec.add(group, 'objects created already Assigned', 'count', r.createdAssigned);
  rec.add(group, 'MIC peak RSS', 'MB', r.peakRssMb, atMost(goal.rssMb, 'MB'));
  rec.add(group, 'MIC V8 heap used when converged', 'MB', r.heapUsedMb);
  rec.add(group, 'MIC CPU', 's', r.cpuSeconds, atMost(goal.cpuSeconds, 's'));
  rec.add(group, 'kube-apiserver + etcd CPU', 's', r.controlPlaneCpuSeconds);
}

function recordRestart(ctx: BenchContext, group: string, r: Restart): void {
  ctx.rec.add(group, 'MIC restart: start -> first sync', 's', r.firstSyncMs / 1000);
  ctx.rec.add(group, 'MIC restart: ARM writes', 'count', r.armWrites, { text: '= 0', test: (m) => m === 0 });
  ctx.rec.add(group, 'MIC restart: peak RSS', 'MB', r.peakRssMb, {
    text: '<= 300 MB',
    test: (m) => m <= 300,
  });
  ctx.rec.add(group, 'MIC restart: still Assigned', 'count', r.stillAssigned);
}

export async function micSuite(ctx: BenchContext): Promise<void> {
  if (selected(ctx, 'mic.first-token')) await firstToken(ctx, LATENCIES);
  const size = sizes(ctx.scale);
  for (const latency of LATENCIES) {
    if (selected(ctx, 'mic.a')) {
      for (let run = 0; run < ctx.runs; run++) {
        const r = await convergenceCase(ctx, size.a, latency.options);
        record(
          ctx,
          `4a MIC ${size.a.pods} pods/1 VMSS, ${latency.label}`,
          r.first,
          targets('a', latency.armMs, 1),
        );
      }
    }
    if (selected(ctx, 'mic.b') || selected(ctx, 'mic.d')) {
      const r = await convergenceCase(ctx, size.b, latency.options, { churn: true });
      const label = `${size.b.pods} pods/${size.b.scaleSets * size.b.nodesPerSet} nodes/3 VMSS/100 ids`;
      record(ctx, `4b MIC ${label}, ${latency.label}`, r.first, targets('b', latency.armMs, ctx.scale));
      if (r.churn) record(ctx, `4d MIC churn 20% of (b), ${latency.label}`, r.churn);
    }
    if (selected(ctx, 'mic.c')) {
      const r = await convergenceCase(ctx, size.c, latency.options, { restart: true });
      const group = `4c MIC ${size.c.pods} pods/${size.c.scaleSets * size.c.nodesPerSet} nodes/10 VMSS, ${latency.label}`;
      record(ctx, group, r.first, targets('c', latency.armMs, ctx.scale));
      if (r.restart) recordRestart(ctx, group, r.restart);
    }
  }
}
