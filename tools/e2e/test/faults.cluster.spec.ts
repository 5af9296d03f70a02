// `make up` when things go wrong: each case ends in one clear line, never a hang, and leaves nothing behind.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/artifacts';
import { CLUSTER_DIR, PORTS, RUN_DIR } from '../src/real-cluster/layout';
import { BRIDGE } from '../src/real-cluster/topology';

interface Finished {
  readonly code: number | null;
  readonly output: string;
}

const CLI = [
  process.execPath,
  '--import',
  'tsx',
  join(REPO_ROOT, 'tools', 'e2e', 'src', 'cli', 'real-cluster.ts'),
];
const TSX_ENV = { TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tools', 'e2e', 'tsconfig.json') };

/** `real-cluster.ts up` (what make up runs once everything is built), bounded; `onOutput` sees it as it comes. */
function up(env: NodeJS.ProcessEnv, onOutput?: (text: string, pid: number) => void): Promise<Finished> {
  return new Promise((resolvePromise) => {
    const child = spawn(CLI[0], [...CLI.slice(1), 'up'], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...TSX_ENV, ...env },
      detached: true, // its own process group, as a terminal's foreground job
    });
    let output = '';
    const take = (b: Buffer): void => {
      output += b.toString();
      onOutput?.(output, child.pid ?? 0);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => process.kill(-(child.pid ?? 0), 'SIGKILL'), 280_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/** The line after "make up failed; …": what the operator reads first. */
function errorLine(output: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.startsWith('up: make up failed'));
  return at >= 0 ? (lines[at + 1] ?? '') : '';
}

function leftovers(): string[] {
  const found: string[] = [];
  if (spawnSync('ip', ['link', 'show', BRIDGE]).status === 0) found.push(`bridge ${BRIDGE}`);
  const netns = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  found.push(
    ...netns
      .split('\n')
      .filter((l) => l.startsWith('pi-node-'))
      .map((l) => `netns ${l}`),
  );
  for (const dir of [CLUSTER_DIR, RUN_DIR]) if (existsSync(dir)) found.push(`directory ${dir}`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes(CLUSTER_DIR) || cmdline.includes(RUN_DIR))
      found.push(`process ${pid}: ${cmdline.replace(/\0/g, ' ').slice(0, 80)}`);
  }
  return found;
}

describe('make up when something is wrong', () => {
  it('as a non-root user: one line saying it needs root, nothing started', () => {
    const r = spawnSync('make', ['--no-print-directory', 'up'], {
      cwd: REPO_ROOT,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toBe(
      'up: needs root (network namespaces, a bridge, cgroups, containerd); run it as root',
    );
    expect(leftovers()).toEqual([]);
  });

  it('a port it needs already taken: one line naming the port and its user, nothing left behind', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(PORTS.emulatorControl, '127.0.0.1', () => r()));
    try {
      const r = await up({});
      expect(r.code).toBe(2);
      expect(errorLine(r.output)).toBe(
        `up: port 127.0.0.1:${PORTS.emulatorControl} (the Azure emulator's control API) is already in use; stop whatever listens there (ss -ltnp 'sport = :${PORTS.emulatorControl}') and run make up again`,
      );
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    expect(leftovers()).toEqual([]);
  }, 300_000);

  it('a kubelet that does not start: one line naming the node, then its log tail; nothing left behind', async () => {
    const r = await up({ KUBELET_EXTRA_ARGS: '--no-such-flag' });
    expect(r.code).not.toBe(0);
    expect(errorLine(r.output)).toBe(
      'up: kubelet (aks-nodepool1-12345678-vmss000000) exited during startup (code 1)',
    );
    expect(r.output).toContain('unknown flag: --no-such-flag');
    expect(leftovers()).toEqual([]);
  }, 300_000);

  it('a containerd that does not start: the same', async () => {
    const r = await up({ CONTAINERD_EXTRA_ARGS: '--log-level=nonsense' });
    expect(r.code).not.toBe(0);
    expect(errorLine(r.output)).toBe(
      'up: containerd (aks-nodepool1-12345678-vmss000000) exited during startup (code 1)',
    );
    expect(leftovers()).toEqual([]);
  }, 300_000);

  it('Ctrl-C during make up removes what it made', async () => {
    let interrupted = false;
    const r = await up({}, (output, pid) => {
      if (!interrupted && output.includes('up: control plane:')) {
        interrupted = true;
        process.kill(-pid, 'SIGINT');
      }
    });
    expect(interrupted).toBe(true);
    expect(r.code).toBe(130);
    expect(r.output).toContain('interrupted; removing what was made');
    expect(leftovers()).toEqual([]);
  }, 300_000);
});
