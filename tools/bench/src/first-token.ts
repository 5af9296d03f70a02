// First token after pod creation: MIC and NMI both running (child processes); a labelled pod is created
// on instance 0 of a VMSS and asks NMI for a token from its own address until it gets a 200. Measured
// from the pod create call to that 200, with emulator ARM latency 0 and with realistic scaled latency.
import { defaultRuntimeOptions, type RuntimeOptionsPatch } from '@pod-identity/azure-emulator';
import { type MicProcess, type NmiProcess, startMic, startNmi } from './agents';
import type { BenchContext } from './context';
import { MIC_FLAGS } from './mic-convergence';
import { Fatal, get, tokenPath, until } from './net';
import { identity, seedFor, World } from './world';

const NS = 'bench-ft';
const NODE = 'ft-0';

interface Latency {
  readonly label: string;
  readonly options: RuntimeOptionsPatch | undefined;
  readonly armMs: number;
}

async function oneRun(world: World, nmi: NmiProcess, mic: MicProcess, index: number): Promise<number> {
  const ip = `127.0.3.${2 + index}`;
  const started = Date.now();
  await world.pods(NS, [{ name: `ft-${index}`, node: NODE, selector: `ft-id-${index}`, ip }]);
  await until(`first token for ft-${index}`, async () => {
    if (!mic.child.running || !nmi.child.running) throw new Fatal('mic or nmi exited');
    return (await get(nmi.port, tokenPath('https://storage.azure.com/'), ip)).status === 200;
  }, 120_000, 20);
  return Date.now() - started;
}

export async function firstToken(ctx: BenchContext, latencies: readonly Latency[]): Promise<void> {
  const count = latencies.length * ctx.runs;
  const ids = Array.from({ length: count }, (_, i) => identity(`ft-id-${i}`));
  const world = await World.start(seedFor(ids, [{ name: 'ft', instances: 1 }]));
  let mic: MicProcess | undefined;
  let nmi: NmiProcess | undefined;
  try {
    await world.namespace(NS);
    await world.nodes([{ name: 'ft', instances: 1 }]);
    await world.identities(NS, ids);
    mic = await startMic(ctx.entries.mic, world, NS, MIC_FLAGS);
    nmi = await startNmi(ctx.entries.nmi, world, NODE, Number(new URL(world.emulator.imdsUrl('ft_0')).port));
    let index = 0;
    for (const latency of latencies) {
      const options = latency.options ?? { ...defaultRuntimeOptions(), pollRetryAfterSeconds: 0 };
      await world.emulator.control.setOptions(options);
      const propagation = (options.imds?.propagationDelayMs ?? 0) * (options.timeScale ?? 1);
      const goalMs = latency.armMs + propagation + 1_000;
      for (let run = 0; run < ctx.runs; run++) {
        const ms = await oneRun(world, nmi, mic, index++);
        ctx.log(`first token, ${latency.label}: ${ms} ms`);
        ctx.rec.add(`2 first token after pod creation, ${latency.label}`, 'pod created -> first 200', 's', ms / 1000, { text: `<= ${(goalMs / 1000).toFixed(1)} s (ARM+IMDS propagation+1 s)`, test: (m) => m * 1000 <= goalMs });
      }
    }
  } finally {
    await nmi?.child.stop();
    await mic?.stop();
    await world.stop();
  }
}
