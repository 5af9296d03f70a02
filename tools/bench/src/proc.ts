// Child processes of the bench (NMI, MIC, the bare server): spawned as `node --import tsx <entry>` so that
// signals reach the program itself, JSON log lines collected, RSS / peak RSS / CPU read from /proc.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
const CLK_TCK = 100;
const MAX_LINES = 5_000;

export interface ProcStats {
  /** Resident set now, MB. */
  readonly rssMb: number;
  /** Peak resident set since start (VmHWM), MB. */
  readonly peakRssMb: number;
  /** User + system CPU seconds since start. */
  readonly cpuSeconds: number;
}

/** Reads /proc/<pid>/status and /proc/<pid>/stat (Linux). */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? Number.NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, cpuSeconds: ticks / CLK_TCK };
}

export interface LogLine {
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export class Child {
  readonly lines: LogLine[] = [];
  private readonly stderrTail: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private done = false;
  private buffer = '';

  constructor(
    readonly name: string,
    entry: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv,
    tsconfig: string,
    nodeArgs: readonly string[] = [],
    keepStdout = true,
  ) {
    const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
    this.child = spawn(process.execPath, [...nodeArgs, ...loader, join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, tsconfig), ...env },
      stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail.push(chunk.toString('utf8'));
      if (this.stderrTail.length > 50) this.stderrTail.shift();
    });
    this.exited = new Promise((done) =>
      this.child.once('exit', () => {
        this.done = true;
        done();
      }),
    );
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  stderr(): string {
    return this.stderrTail.join('').slice(-2000);
  }

  stats(): ProcStats {
    return procStats(this.pid);
  }

  async waitForLog(
    what: string,
    predicate: (line: LogLine) => boolean,
    timeoutMs = 90_000,
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find(predicate);
      if (line) return line;
      if (!this.running)
        throw new Error(
          `${this.name} exited before logging ${what}: ${this.stderrTail.join('').slice(-2000)}`,
        );
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${this.name} to log ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private onStdout(text: string): void {
    this.buffer += text;
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      if (this.lines.length >= MAX_LINES) this.lines.splice(0, MAX_LINES / 2);
      try {
        this.lines.push(JSON.parse(part) as LogLine);
      } catch {
        this.lines.push({ msg: part });
      }
    }
  }
}
