// What every suite receives from the CLI.
import type { Recorder } from './stats';

export interface BenchContext {
  /** Repetitions of each measurement (medians over them). */
  readonly runs: number;
  /** Multiplier of the heavy MIC cases (1 = the sizes of issue 8). */
  readonly scale: number;
  /** Seconds of load per autocannon run. */
  readonly loadSeconds: number;
  readonly rec: Recorder;
  /** Which cases to run (undefined = all). */
  readonly only?: ReadonlySet<string>;
  /** Entry points of the apps: the esbuild bundles (default) or the TypeScript sources through tsx. */
  readonly entries: { readonly nmi: string; readonly mic: string };
  /** Extra node flags for the NMI child (e.g. --cpu-prof with BENCH_PROFILE). */
  readonly nmiNodeArgs: readonly string[];
  readonly micNodeArgs: readonly string[];
  log(message: string): void;
}

export function selected(ctx: BenchContext, id: string): boolean {
  return !ctx.only || ctx.only.has(id) || ctx.only.has(id.split('.')[0]);
}
