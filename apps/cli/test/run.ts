// Runs the CLI in-process against the envtest API server (KUBECONFIG), capturing what it prints.
import { runCli } from '../src/cli';

export interface Ran {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export async function cli(argv: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    {
      argv,
      env: { KUBECONFIG: process.env.ENVTEST_KUBECONFIG ?? '', HOME: '/nonexistent', ...env },
      version: 'test',
      stopRequested: new Promise(() => undefined),
    },
    { out: (t) => out.push(t), err: (t) => err.push(t) },
  );
  return { code, out: out.join(''), err: err.join('') };
}
