// One MIC convergence run: a fresh control plane and emulator, nodes in VM scale sets, identities and
// bindings, then MIC (child process) and N labelled pods; measured until every AzureAssignedIdentity is
// Assigned. Optionally followed by churn (20% of the pods deleted and recreated) and by a MIC restart.
import type { RuntimeOptionsPatch } from '@pod-identity/azure-emulator';
import { type MicProcess, startMic } from './agents';
import { AssignedWatch } from './assigned-watch';
import { type ArmCounts, armCounts } from './arm-counts';
import type { BenchContext } from './context';
import { Fatal, metricSum, until } from './net';
import { identity, type PodSpec, seedFor, World } from './world';

export interface CaseSize {
  readonly id: string;
  readonly pods: number;
  readonly scaleSets: number;
  readonly nodesPerSet: number;
  readonly identities: number;
}

export interface Convergence {
  readonly pods: number;
  readonly allAssignedMs: number;
  readonly createdMs: number;
  readonly arm: ArmCounts;
  readonly minWrites: number;
  readonly syncs: number;
  readonly apiserverRequests: number;
  readonly peakRssMb: number;
  /** V8 heap in use once converged, as MIC reports it: the live set a heap cap must hold. */
  readonly heapUsedMb: number;
  readonly cpuSeconds: number;
  /** Assignments whose object was first seen already Assigned (created Assigned, ADR 0013). */
  readonly createdAssigned: number;
  /** CPU seconds kube-apiserver and etcd spent meanwhile (the bench's pod creations included). */
  readonly controlPlaneCpuSeconds: number;
}

const NS = 'bench-mic';
/** MIC polls long-running ARM operations at this interval (the emulator sends no Retry-After). */
export const MIC_FLAGS = ['--arm-poll-interval=250ms'];
const CONVERGE_TIMEOUT_MS = 420_000;

interface Running {
  readonly world: World;
  readonly mic: MicProcess;
  readonly watch: AssignedWatch;
}

async function measure(
  ctx: BenchContext,
  run: Running,
  pods: number,
  minWrites: number,
  body: () => Promise<{ requests: number; target: () => boolean }>,
): Promise<Convergence> {
  const { world, mic } = run;
  await world.emulator.control.resetCounters();
  const before = {
    syncs: await mic.syncs(),
    api: await world.apiserverRequests(),
    cpu: mic.child.stats().cpuSeconds,
    plane: world.controlPlaneCpuSeconds(),
  };
  run.watch.takeBornAssigned();
  const started = Date.now();
  const { requests, target } = await body();
  const createdMs = Date.now() - started;
  await until(
    `all ${pods} Assigned`,
    () => {
      if (!mic.child.running) throw new Fatal(`mic exited: ${mic.child.stderr()}`);
      return target();
    },
    CONVERGE_TIMEOUT_MS,
    100,
  ).catch((err: unknown) => {
    const seen = `${run.watch.count('Assigned')} of ${run.watch.total} seen Assigned; ${run.watch.describeFailures()}`;
    throw new Error(`${err instanceof Error ? err.message : String(err)} [${seen}]`);
  });
  const allAssignedMs = Date.now() - started;
  const stats = mic.child.stats();
  const result: Convergence = {
    pods,
    allAssignedMs,
    createdMs,
    arm: armCounts(await world.emulator.control.counters()),
    minWrites,
    syncs: (await mic.syncs()) - before.syncs,
    // Minus the bench's own pod writes and its two /metrics reads.
    apiserverRequests: (await world.apiserverRequests()) - before.api - requests - 2,
    peakRssMb: stats.peakRssMb,
    heapUsedMb: metricSum(await mic.metrics(), 'mic_nodejs_heap_size_used_bytes') / 2 ** 20,
    cpuSeconds: stats.cpuSeconds - before.cpu,
    controlPlaneCpuSeconds: world.controlPlaneCpuSeconds() - before.plane,
    createdAssigned: run.watch.takeBornAssigned(),
  };
  ctx.log(
    `  ${pods} pods: all Assigned after ${(allAssignedMs / 1000).toFixed(1)} s (created in ${(createdMs / 1000).toFixed(1)} s); ARM writes ${result.arm.acceptedWrites} (min ${minWrites}), reads ${result.arm.reads}; syncs ${result.syncs}; MIC peak ${stats.peakRssMb.toFixed(0)} MB, heap ${result.heapUsedMb.toFixed(0)} MB`,
  );
  return result;
}

function podSpecs(size: CaseSize, prefix: string, count: number, offset = 0): PodSpec[] {
  const nodes = size.scaleSets * size.nodesPerSet;
  return Array.from({ length: count }, (_, k) => {
    const i = k + offset;
    const node = i % nodes;
    return {
      name: `${prefix}-${i}`,
      node: `pool${Math.floor(node / size.nodesPerSet)}-${node % size.nodesPerSet}`,
      selector: `id-${i % size.identities}`,
    };
  });
}

/** Identities each scale set needs, capped by the pods it holds; one PATCH carries up to 150. */
function minimumWrites(size: CaseSize): number {
  const perSet = Math.min(size.identities, Math.ceil(size.pods / size.scaleSets));
  return size.scaleSets * Math.ceil(perSet / 150);
}

/** A new MIC taking over a converged cluster: what a leader failover or a rollout costs. */
export interface Restart {
  /** Process start → leader, caches synced (readyz) and one sync completed. */
  readonly firstSyncMs: number;
  readonly armWrites: number;
  readonly peakRssMb: number;
  readonly stillAssigned: number;
}

export interface CaseOptions {
  /** After convergence: delete and recreate 20 % of the pods. */
  readonly churn?: boolean;
  /** After convergence (and churn): replace MIC by a new process and measure its start. */
  readonly restart?: boolean;
}

export async function convergenceCase(
  ctx: BenchContext,
  size: CaseSize,
  runtime: RuntimeOptionsPatch | undefined,
  options: CaseOptions = {},
): Promise<{ first: Convergence; churn?: Convergence; restart?: Restart }> {
  const ids = Array.from({ length: size.identities }, (_, i) => identity(`id-${i}`));
  const sets = Array.from({ length: size.scaleSets }, (_, s) => ({
    name: `pool${s}`,
    instances: size.nodesPerSet,
  }));
  ctx.log(
    `MIC case ${size.id}: ${size.pods} pods, ${size.scaleSets * size.nodesPerSet} nodes, ${size.scaleSets} VMSS, ${size.identities} identities${runtime ? ', realistic ARM' : ''}`,
  );
  const world = await World.start(seedFor(ids, sets));
  let mic: MicProcess | undefined;
  const watch = new AssignedWatch(world.kubeHttp);
  try {
    if (runtime) await world.emulator.control.setOptions(runtime);
    await world.namespace(NS);
    await world.nodes(sets);
    await world.identities(NS, ids);
    await watch.start();
    mic = await startMic(ctx.entries.mic, world, NS, MIC_FLAGS, ctx.micNodeArgs);
    const run: Running = { world, mic, watch };
    const first = await measure(ctx, run, size.pods, minimumWrites(size), async () => ({
      requests: await world.pods(NS, podSpecs(size, 'p', size.pods)),
      target: () => watch.count('Assigned') === size.pods && watch.total === size.pods,
    }));
    const churned = options.churn ? await churnPods(ctx, run, size) : undefined;
    if (!options.restart) return { first, churn: churned };
    await mic.stop();
    mic = undefined;
    const restart = await restartMic(ctx, world, watch, size.pods);
    mic = restart.mic;
    return { first, churn: churned, restart: restart.result };
  } finally {
    await watch.stop();
    await mic?.stop();
    await world.stop();
  }
}

async function churnPods(ctx: BenchContext, run: Running, size: CaseSize): Promise<Convergence> {
  const { world, watch } = run;
  const n = Math.round(size.pods * 0.2);
  const victims = new Set(podSpecs(size, 'p', n).map((p) => p.name));
  return measure(ctx, run, n, 0, async () => {
    await world.deletePods(NS, [...victims]);
    const requests = n + (await world.pods(NS, podSpecs(size, 'q', n)));
    const target = (): boolean =>
      watch.countPods((p) => p.startsWith('q-'), 'Assigned') === n &&
      watch.countPods((p) => victims.has(p)) === 0 &&
      watch.count('Assigned') === size.pods;
    return { requests, target };
  });
}

async function restartMic(
  ctx: BenchContext,
  world: World,
  watch: AssignedWatch,
  pods: number,
): Promise<{ mic: MicProcess; result: Restart }> {
  await world.emulator.control.resetCounters();
  const started = Date.now();
  const mic = await startMic(ctx.entries.mic, world, NS, MIC_FLAGS, ctx.micNodeArgs);
  try {
    await until(
      'first sync of the restarted MIC',
      async () => {
        if (!mic.child.running) throw new Fatal(`mic exited: ${mic.child.stderr()}`);
        return (await mic.syncs()) >= 1;
      },
      CONVERGE_TIMEOUT_MS,
      100,
    );
  } catch (err) {
    await mic.stop();
    throw err;
  }
  const result: Restart = {
    firstSyncMs: Date.now() - started,
    armWrites: armCounts(await world.emulator.control.counters()).writeRequests,
    peakRssMb: mic.child.stats().peakRssMb,
    stillAssigned: watch.count('Assigned'),
  };
  ctx.log(
    `  MIC restarted with ${pods} pods: first sync after ${(result.firstSyncMs / 1000).toFixed(1)} s; ARM writes ${result.armWrites}; ${result.stillAssigned} still Assigned; peak ${result.peakRssMb.toFixed(0)} MB`,
  );
  return { mic, result };
}
