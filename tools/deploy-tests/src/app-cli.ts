// Runs MIC or NMI as a child process: from source with tsx (tools never import apps), or a bundle with
// plain node. Bounded in time; output collected.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, type AppName } from './repo';

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs `node <nodeArgs…>`, killed (SIGKILL) after the timeout. */
export function runNode(nodeArgs: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs apps/<app>/src/main.ts through tsx with the app's own tsconfig (for the @pod-identity aliases). */
export function runAppSource(
  app: AppName,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return runNode(['--import', 'tsx', join(ROOT, 'apps', app, 'src', 'main.ts'), ...args], {
    ...options,
    env: { TSX_TSCONFIG_PATH: join(ROOT, 'apps', app, 'tsconfig.json'), ...options.env },
  });
}

/** The app's --help text, from source; throws when it does not exit 0. */
export async function helpText(app: AppName): Promise<string> {
  const r = await runAppSource(app, ['--help']);
  if (r.code !== 0) throw new Error(`${app} --help exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}
