// `make bench` / `nx run bench:bench`: runs the suites, prints the table, writes .local/bench.json.
// Environment: BENCH_RUNS (3), BENCH_SCALE (1), BENCH_LOAD_SECONDS (4), BENCH_ONLY (comma list of
// nmi, nmi.hit, nmi.miss, mic, mic.first-token, mic.a, mic.b, mic.c, mic.d), BENCH_SOURCE=1 (run the apps
// from source through tsx instead of esbuild bundles), BENCH_PROFILE=nmi|mic (--cpu-prof into .local/bench/profiles),
// BENCH_NMI_NODE_FLAGS / BENCH_MIC_NODE_FLAGS (extra node flags after the image's, for experiments).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, selected } from '../context';
import { micSuite } from '../mic-suite';
import { nmiSuite } from '../nmi-suite';
import { bundleApp, imageNodeFlags } from '../bundle';
import { ROOT } from '../proc';
import { Recorder } from '../stats';
import { markdownTable, textTable } from '../table';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.env.BENCH_ONLY
    ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim()))
    : undefined;
  const fromSource = process.env.BENCH_SOURCE === '1';
  const entries = fromSource
    ? { nmi: 'apps/nmi/src/main.ts', mic: 'apps/mic/src/main.ts' }
    : { nmi: bundleApp('nmi'), mic: bundleApp('mic') };
  const profile = (app: string): string[] =>
    process.env.BENCH_PROFILE === app
      ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, '.local', 'bench', 'profiles')}`]
      : [];
  // Extra node flags for experiments (e.g. BENCH_MIC_NODE_FLAGS='--max-old-space-size=256'), after the image's.
  const extraFlags = (app: string): string[] =>
    (process.env[`BENCH_${app.toUpperCase()}_NODE_FLAGS`] ?? '').split(/\s+/).filter(Boolean);
  const ctx: BenchContext = {
    entries,
    nmiNodeArgs: [...imageNodeFlags('nmi'), ...extraFlags('nmi'), ...profile('nmi')],
    micNodeArgs: [...imageNodeFlags('mic'), ...extraFlags('mic'), ...profile('mic')],
    runs: Math.round(numberFromEnv('BENCH_RUNS', 3)),
    scale: numberFromEnv('BENCH_SCALE', 1),
    loadSeconds: numberFromEnv('BENCH_LOAD_SECONDS', 4),
    rec: new Recorder(),
    only,
    log: (m) => console.log(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${m}`),
  };
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    loadavgAtStart: loadavg(),
  };
  ctx.log(
    `node flags (Dockerfiles + BENCH_*_NODE_FLAGS): nmi ${ctx.nmiNodeArgs.join(' ')}; mic ${ctx.micNodeArgs.join(' ')}`,
  );
  ctx.log(
    `runs=${ctx.runs} scale=${ctx.scale} load=${ctx.loadSeconds}s cpus=${machine.cpus} load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const failures: string[] = [];
  const guarded = async (id: string, fn: (c: BenchContext) => Promise<void>): Promise<void> => {
    if (!selected(ctx, id) && ![...(only ?? [])].some((o) => o.startsWith(`${id}.`))) return;
    try {
      await fn(ctx);
    } catch (err) {
      failures.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
      ctx.log(`FAILED ${id}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };
  await guarded('nmi', nmiSuite);
  await guarded('mic', micSuite);
  const figures = ctx.rec.figures();
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`\n${textTable(figures)}\n`);
  console.log(
    `total ${seconds} s; load average at end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const out = join(ROOT, '.local');
  mkdirSync(out, { recursive: true });
  const doc = {
    date: new Date().toISOString(),
    seconds,
    settings: {
      runs: ctx.runs,
      scale: ctx.scale,
      loadSeconds: ctx.loadSeconds,
      only: only ? [...only] : 'all',
    },
    machine: { ...machine, loadavgAtEnd: loadavg() },
    figures,
    failures,
    markdown: markdownTable(figures),
  };
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(
    `wrote .local/bench.json${failures.length ? `; ${failures.length} case(s) failed:\n  ${failures.join('\n  ')}` : ''}`,
  );
  process.exitCode = failures.length ? 1 : 0;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
