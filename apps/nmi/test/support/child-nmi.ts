// NMI as a real process: `node --import tsx apps/nmi/src/main.ts …` (the same entry the image bundles),
// with its JSON log lines collected from stdout. Signals go to that one process (no npx/tsx wrapper in
// between), so SIGTERM is handled by main.ts exactly as in a pod.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { pollUntil } from '@pod-identity/platform';

const ROOT = join(__dirname, '..', '..', '..', '..');
const MAIN = join(ROOT, 'apps', 'nmi', 'src', 'main.ts');

export interface LogLine {
  readonly msg?: string;
  readonly [key: string]: unknown;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A kubeconfig file for the child (removed by `removeKubeconfigDir`). */
export function writeKubeconfig(kc: KubeConfig): { path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nmi-child-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kc.exportConfig(), { mode: 0o600 });
  return { path, dir };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A port that was free a moment ago (for flags that cannot take 0, e.g. the DNAT target). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class ChildNmi {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<Exit>;
  private buffer = '';
  private exit: Exit | undefined;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'apps', 'nmi', 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk.toString('utf8')));
    this.child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Index of the first log line matching `predicate`, waiting (bounded) for it to appear. */
  async waitForLog(what: string, predicate: (line: LogLine) => boolean, timeoutMs = 60_000): Promise<number> {
    const exited = (): Error | undefined =>
      this.running
        ? undefined
        : new Error(
            `nmi exited (${JSON.stringify(this.exit)}) before logging ${what}; stderr: ${this.stderr.join('')}`,
          );
    const found = await pollUntil(
      `nmi to log ${what}`,
      () => ((i) => (i >= 0 ? { i } : undefined))(this.lines.findIndex(predicate)),
      { timeoutMs, failure: exited },
    );
    return found.i;
  }

  /** The endpoints from the "nmi started" line. */
  async started(): Promise<{ port: number; probePort: number; metricsPort: number }> {
    const line = this.lines[await this.waitForLog('"nmi started"', (l) => l.msg === 'nmi started', 90_000)];
    return {
      port: Number(line.port),
      probePort: Number(line.probePort),
      metricsPort: Number(line.metricsPort),
    };
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Waits (bounded) for the process to end. */
  async waitForExit(timeoutMs = 60_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('nmi did not exit in time')), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cleanup for afterAll: kills this child (by its own pid) if it is still running. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.waitForExit(10_000).catch(() => undefined);
  }

  private onStdout(text: string): void {
    this.buffer += text;
    const parts = this.buffer.split('\n');
    this.buffer = parts.pop() ?? '';
    for (const part of parts) {
      if (part.trim() === '') continue;
      try {
        this.lines.push(JSON.parse(part) as LogLine);
      } catch {
        this.lines.push({ msg: part });
      }
    }
  }
}
