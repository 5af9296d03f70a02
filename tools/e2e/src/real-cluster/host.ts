// Runs the machine's commands for the local cluster: bounded in time, and failing with the command, its exit
// and the end of its output, so an operator sees which step broke and why.
import { execFile } from 'node:child_process';
import { pollUntil } from '@pod-identity/platform';

export class HostCommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly detail: string,
  ) {
    super(`'${argv.join(' ')}' failed: ${detail}`);
    this.name = 'HostCommandError';
  }
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export function run(argv: readonly string[], options: RunOptions = {}): Promise<string> {
  const [cmd, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        timeout: options.timeoutMs ?? 60_000,
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
        env: options.env ?? process.env,
      },
      (err, stdout, stderr) => {
        if (!err) return resolvePromise(stdout);
        const killed = (err as { killed?: boolean }).killed;
        const tail = `${stderr || stdout}`.trim().split('\n').slice(-6).join('\n');
        const why = killed ? `no answer within ${options.timeoutMs ?? 60_000} ms` : `exit ${err.code ?? '?'}`;
        reject(new HostCommandError(argv, `${why}${tail ? `\n${tail}` : ''}`));
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs each command in turn. */
export async function runAll(commands: readonly (readonly string[])[], options?: RunOptions): Promise<void> {
  for (const argv of commands) await run(argv, options);
}

/** Runs a command and ignores its failure (cleanup of what may not exist). */
export async function runQuietly(argv: readonly string[], timeoutMs = 30_000): Promise<boolean> {
  try {
    await run(argv, { timeoutMs });
    return true;
  } catch {
    return false;
  }
}

/** True while a process with this id exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

export interface WaitOptions {
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
  /** Checked before each try: an error ends the wait at once (the awaited process died, say). */
  readonly failure?: () => Error | undefined;
}

/** Polls until `check` is true, at most timeoutMs (platform's pollUntil, every 500 ms by default). */
export async function waitUntil(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<void> {
  await pollUntil(what, check, {
    timeoutMs,
    intervalMs: options.intervalMs ?? 500,
    signal: options.signal,
    failure: options.failure,
  });
}
