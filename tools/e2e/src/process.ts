// A child process the system started (MIC, NMI, a forwarder, a pod client): its output kept as lines
// (JSON log lines parsed), bounded waits for a log line or the exit, a graceful stop with a SIGKILL
// fallback, and an exit hook so it never outlives its owner.
import { type ChildProcess, spawn } from 'node:child_process';
import { track } from './cleanup';

export interface LogLine {
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface ProcessOptions {
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with every output line (stdout and stderr), e.g. to write a log file. */
  readonly onLine?: (name: string, line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function parseLine(text: string): LogLine {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as LogLine;
  } catch {
    // not JSON: kept as a message
  }
  return { msg: text };
}

export class ManagedProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  readonly name: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<Exit>;
  private readonly unregister: () => void;
  private exit: Exit | undefined;
  private readonly buffers = { out: '', err: '' };

  constructor(
    argv: readonly string[],
    private readonly options: ProcessOptions,
  ) {
    this.name = options.name;
    this.child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.onData('out', chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => this.onData('err', chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
      this.child.once('error', (err) => {
        this.stderr.push(err.message);
        this.exit = { code: -1, signal: null };
        resolve(this.exit);
      });
    });
    const pid = this.child.pid;
    // The script (the .js argument) identifies the process for the reaper; `ip netns exec` execs into it.
    const match = argv.find((a) => a.endsWith('.js')) ?? argv[0];
    this.unregister = pid === undefined ? () => undefined : track({ kind: 'process', pid, match });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get exitStatus(): Exit | undefined {
    return this.exit;
  }

  /** The first line matching `predicate` (waiting for it, bounded); fails early if the process exits. */
  async waitForLine(
    what: string,
    predicate: (line: LogLine) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.slice(from).find(predicate);
      if (found) return found;
      if (!this.running)
        throw new Error(
          `${this.name} exited (${JSON.stringify(this.exit)}) before ${what}; output:\n${this.tail()}`,
        );
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${this.name}: ${what}; output:\n${this.tail()}`,
        );
      await sleep(50);
    }
  }

  /** The last lines of output, for error messages. */
  tail(count = 15): string {
    const out = this.lines.slice(-count).map((l) => JSON.stringify(l));
    return [...out, ...this.stderr.slice(-count)].join('\n');
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Waits (bounded) for the process to end. */
  async waitForExit(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; always resolves. */
  async stop(graceMs = 5000): Promise<Exit | undefined> {
    if (this.running) {
      this.child.kill('SIGTERM');
      await this.waitForExit(graceMs).catch(() => this.kill());
    }
    this.unregister();
    return this.exit;
  }

  /** SIGKILL (as a crash would); resolves when the process is gone (bounded). */
  async kill(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.waitForExit(10_000).catch(() => undefined);
    }
    this.unregister();
  }

  private onData(stream: 'out' | 'err', text: string): void {
    const parts = (this.buffers[stream] + text).split('\n');
    this.buffers[stream] = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      this.options.onLine?.(this.name, part);
      if (stream === 'out') this.lines.push(parseLine(part));
      else this.stderr.push(part);
    }
  }
}
