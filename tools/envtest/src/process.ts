import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One server process, started in its own process group (so everything it forks dies with it), with
 * stdout and stderr appended to a log file.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exitInfo: ExitInfo | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: readonly string[],
    readonly logFile: string,
    private readonly options: { readonly detachFromParent?: boolean } = {},
  ) {}

  /** Process id, which is also the process-group id. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Set once the process has exited. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    const fd = openSync(this.logFile, 'a');
    try {
      const child = spawn(this.command, [...this.args], {
        detached: true, // own process group: we kill the whole group
        stdio: ['ignore', fd, fd],
        env: process.env,
      });
      this.child = child;
      this.exitInfo = undefined;
      this.exited = new Promise((resolvePromise) => {
        child.once('exit', (code, signal) => {
          this.exitInfo = { code, signal };
          resolvePromise(this.exitInfo);
        });
        child.once('error', () => {
          this.exitInfo = { code: null, signal: null };
          resolvePromise(this.exitInfo);
        });
      });
      // cluster-up leaves the servers running after the CLI exits.
      if (this.options.detachFromParent) child.unref();
    } finally {
      closeSync(fd);
    }
  }

  /** Resolves when the process exits (immediately if it already has). */
  waitForExit(): Promise<ExitInfo> {
    return this.exited;
  }

  /** SIGTERM to the process group, SIGKILL after graceMs; resolves once the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.exitInfo !== undefined) return;
    killGroup(pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((resolvePromise) => {
        timer = setTimeout(() => resolvePromise(true), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      killGroup(pid, 'SIGKILL');
      await this.exited;
    }
    // Anything else left in the group (there should be nothing) goes too.
    killGroup(pid, 'SIGKILL');
  }

  /** The last `lines` lines of the log file, framed for an error message. */
  logTail(lines = 40): string {
    return formatLogTail(this.name, this.logFile, lines);
  }
}

/** Sends a signal to a whole process group; a group that no longer exists is not an error. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export function formatLogTail(name: string, file: string, lines = 40): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return `--- ${name} log (${file}): not readable ---`;
  }
  const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last ${lines} lines of ${name} log (${file}) ---\n${tail}\n--- end of ${name} log ---`;
}
