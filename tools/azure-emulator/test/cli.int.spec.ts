// The CLI as a separate process: it starts, reports its URLs, answers the control API and stops on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ControlClient } from '../src';

const root = resolve(__dirname, '..', '..', '..');
let child: ChildProcess | undefined;
let stateDir: string;

function waitForLine(proc: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${seen}`)),
      timeoutMs,
    );
    proc.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code}:\n${seen}`));
    });
  });
}

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'azure-emulator-cli-'));
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

it('serves the example world and exits cleanly on SIGTERM', async () => {
  child = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    [
      '--tsconfig',
      'tools/azure-emulator/tsconfig.json',
      'tools/azure-emulator/src/cli.ts',
      '--seed',
      'tools/azure-emulator/examples/world.yaml',
      '--state-dir',
      stateDir,
      '--arm',
      '127.0.0.1:0',
      '--entra',
      '127.0.0.1:0',
      '--imds',
      '127.0.0.1:0',
      '--control',
      '127.0.0.1:0',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const match = await waitForLine(child, /control\s+(http:\/\/127\.0\.0\.1:\d+)/, 45_000);
  const control = new ControlClient(match[1]);
  expect(await control.health()).toEqual({ ok: true });
  const nodes = await control.nodes();
  expect(nodes.map((n) => n.name).sort()).toEqual([
    'aks-nodepool1-12345678-vmss_0',
    'aks-nodepool1-12345678-vmss_1',
    'aks-standalone-0',
  ]);
  const res = await fetch(
    `${nodes[0].imdsUrl}/metadata/instance/compute/name?api-version=2021-10-01&format=text`,
    {
      headers: { Metadata: 'true' },
      signal: AbortSignal.timeout(10_000),
    },
  );
  expect(res.status).toBe(200);
  expect(readFileSync(join(stateDir, 'emulator.env'), 'utf8')).toContain(
    `NODE_EXTRA_CA_CERTS=${join(stateDir, 'ca.pem')}`,
  );
  const exited = new Promise<number | null>((resolveExit) =>
    child?.once('exit', (code) => resolveExit(code)),
  );
  child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('CLI did not exit')), 15_000).unref(),
  );
  expect(await Promise.race([exited, timeout])).toBe(0);
});
