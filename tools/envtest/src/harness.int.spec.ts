// The harness itself: clear errors, and nothing left behind however the owner ends.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane } from './control-plane';
import { BinariesMissingError, PortInUseError, StartupTimeoutError } from './errors';
import { waitFor } from './testing/wait-for';

const repoRoot = resolve(__dirname, '..', '..', '..');

function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs the fixture in a child process and resolves with what it printed once its control plane is up. */
function holdControlPlane(): Promise<{ child: ReturnType<typeof spawn>; pids: number[]; workDir: string }> {
  // node itself (with tsx's loader), not the tsx CLI: the CLI would be a wrapper process in between.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'testing', 'hold-control-plane.ts')],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    createInterface(child.stdout as NodeJS.ReadableStream).once('line', (line) => {
      const info = JSON.parse(line) as { pids: { apiServer: number; etcd: number }; workDir: string };
      resolvePromise({ child, pids: [info.pids.apiServer, info.pids.etcd], workDir: info.workDir });
    });
  });
}

describe('envtest harness', () => {
  it('stop() ends both servers and removes the work dir', async () => {
    const plane = await startControlPlane();
    const { apiServer, etcd } = plane.pids();
    expect(alive(apiServer) && alive(etcd)).toBe(true);
    expect(existsSync(plane.workDir)).toBe(true);
    await plane.stop();
    expect(alive(apiServer) || alive(etcd)).toBe(false);
    expect(existsSync(plane.workDir)).toBe(false);
    await plane.stop(); // twice is fine
  });

  it('restarts the apiserver and etcd in place, keeping data, port and credentials', async () => {
    const plane = await startControlPlane();
    try {
      const core = plane.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'kept' } } });
      const before = plane.pids();

      await plane.restartApiServer();
      expect(plane.pids().apiServer).not.toBe(before.apiServer);
      expect(alive(before.apiServer)).toBe(false);
      // Same URL, CA and token: the old KubeConfig keeps working.
      await expect(
        core.readNamespacedConfigMap({ name: 'kept', namespace: 'default' }),
      ).resolves.toBeTruthy();

      await plane.restartEtcd();
      expect(plane.pids().etcd).not.toBe(before.etcd);
      expect(alive(before.etcd)).toBe(false);
      await expect(
        core.readNamespacedConfigMap({ name: 'kept', namespace: 'default' }),
      ).resolves.toBeTruthy();
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
    } finally {
      await plane.stop();
    }
  });

  it('says which make target builds missing binaries', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'envtest-nobin-'));
    try {
      const err = await startControlPlane({ binDir: empty }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BinariesMissingError);
      expect((err as Error).message).toContain('make envtest');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reports a port that is already in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startControlPlane({ apiServerPort: port }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      blocker.close();
    }
  });

  it('times out with the log tail and cleans up', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'envtest-timeout-'));
    const err = await startControlPlane({ workDir, startupTimeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupTimeoutError);
    expect((err as Error).message).toMatch(/did not become ready within 300 ms/);
    expect((err as Error).message).toContain('--- last 40 lines of');
    expect(existsSync(workDir)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)('leaves nothing behind when the owner gets %s', async (signal) => {
    const { child, pids, workDir } = await holdControlPlane();
    try {
      expect(pids.every(alive)).toBe(true);
      child.removeAllListeners('exit');
      child.kill(signal);
      // SIGTERM: exit hooks; SIGKILL: the reaper process notices the owner is gone.
      await waitFor('servers to exit', () => !pids.some(alive), 15_000);
      await waitFor('work dir removal', () => !existsSync(workDir), 5_000);
    } finally {
      child.kill('SIGKILL');
      child.stdout?.destroy();
    }
  });
});
