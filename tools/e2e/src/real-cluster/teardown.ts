// `make down`: removes everything `make up` made, whether it finished or not: the containers (found through
// each node's runc root, with their cgroups), the processes (found by the state file and by their command
// lines, so containerd's shims go too), mounts under the cluster's directories, the node network namespaces
// and the bridge (their routes and iptables rules go with them), containerd's emptied cgroup parent, and
// the directories.
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { killGroup } from '@pod-identity/envtest';
import { isAlive, run, runQuietly } from './host';
import { CLUSTER_DIR, readState, RUN_DIR } from './layout';
import { BRIDGE, PREFIX } from './topology';

const CGROUP_ROOT = '/sys/fs/cgroup';
/** Where containerd puts containers when the kubelet names no cgroup parent (cgroupsPerQOS: false). */
const CONTAINERD_CGROUP = 'k8s.io';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readProc(pid: string, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Pure: does this process belong to the cluster? Its command line names one of the cluster's directories. */
export function belongsToCluster(cmdline: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => cmdline.includes(d));
}

function clusterPids(): number[] {
  const dirs = [CLUSTER_DIR, RUN_DIR];
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => belongsToCluster(readProc(p, 'cmdline'), dirs))
    .map(Number);
}

/** runc state directories of the nodes' containers: RUN_DIR/<node>/runc/<containerd namespace>. */
function runcRoots(): string[] {
  if (!existsSync(RUN_DIR)) return [];
  return readdirSync(RUN_DIR).flatMap((node) => {
    const base = join(RUN_DIR, node, 'runc');
    return existsSync(base) ? readdirSync(base).map((ns) => join(base, ns)) : [];
  });
}

/** Kills and deletes every container of the nodes (their processes and cgroups go with them). */
async function deleteContainers(): Promise<number> {
  let count = 0;
  for (const root of runcRoots()) {
    const listed = await run(['runc', '--root', root, 'list', '--format', 'json'], {
      timeoutMs: 20_000,
    }).catch(() => 'null');
    const containers = (JSON.parse(listed || 'null') as { id: string }[] | null) ?? [];
    for (const c of containers) {
      if (await runQuietly(['runc', '--root', root, 'delete', '--force', c.id])) count++;
    }
  }
  return count;
}

async function stopProcesses(): Promise<number> {
  const state = readState();
  // The kubelets first, so that nothing restarts the containers removed next.
  const recorded = state?.processes ?? [];
  const kubelets = recorded.filter((p) => p.name.startsWith('kubelet'));
  for (const p of kubelets) killGroup(p.pid, 'SIGKILL');
  const containers = await deleteContainers();
  for (const p of recorded) killGroup(p.pid, 'SIGTERM');
  const found = clusterPids();
  for (const pid of found) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  const all = [...new Set([...recorded.map((p) => p.pid), ...found])];
  const deadline = Date.now() + 10_000;
  while (all.some(isAlive) && Date.now() < deadline) await sleep(200);
  for (const p of recorded) killGroup(p.pid, 'SIGKILL');
  for (const pid of clusterPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return all.length + containers;
}

/** Mount points under the cluster's directories, deepest first (pure over /proc/self/mountinfo's text). */
export function clusterMounts(mountinfo: string, dirs: readonly string[]): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((m): m is string => m !== undefined && dirs.some((d) => m === d || m.startsWith(`${d}/`)))
    .map((m) => m.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
}

async function unmountAll(): Promise<number> {
  let count = 0;
  // A mount can hide another at the same path: repeat until none is left (bounded).
  for (let round = 0; round < 5; round++) {
    const mounts = clusterMounts(readFileSync('/proc/self/mountinfo', 'utf8'), [CLUSTER_DIR, RUN_DIR]);
    if (mounts.length === 0) break;
    for (const m of mounts) {
      if ((await runQuietly(['umount', m])) || (await runQuietly(['umount', '-l', m]))) count++;
    }
  }
  return count;
}

async function removeNetwork(): Promise<number> {
  const listed = await run(['ip', 'netns', 'list']).catch(() => '');
  const namespaces = listed
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${PREFIX}node-`));
  for (const ns of namespaces) await runQuietly(['ip', 'netns', 'delete', ns]);
  const hadBridge = await runQuietly(['ip', 'link', 'show', BRIDGE]);
  if (hadBridge) await runQuietly(['ip', 'link', 'delete', BRIDGE]);
  return namespaces.length + (hadBridge ? 1 : 0);
}

/** Removes a cgroup directory tree bottom-up (cgroupfs directories go with rmdir, not rm -r). */
function removeCgroupTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroupTree(join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // still busy (a process left in it) or gone already
  }
}

/** containerd's cgroup parent of the containers, when nothing is left in it (another containerd may use it). */
function removeCgroups(): number {
  let count = 0;
  if (!existsSync(CGROUP_ROOT)) return 0;
  for (const hierarchy of readdirSync(CGROUP_ROOT)) {
    const dir = join(CGROUP_ROOT, hierarchy, CONTAINERD_CGROUP);
    if (!existsSync(dir)) continue;
    removeCgroupTree(dir);
    if (!existsSync(dir)) count++;
  }
  return count;
}

export interface TeardownReport {
  readonly processes: number;
  readonly mounts: number;
  readonly network: number;
  readonly cgroups: number;
  readonly directories: number;
}

export const removedNothing = (r: TeardownReport): boolean =>
  r.processes + r.mounts + r.network + r.cgroups + r.directories === 0;

export async function teardown(): Promise<TeardownReport> {
  const processes = await stopProcesses();
  const mounts = await unmountAll();
  const network = await removeNetwork();
  const cgroups = removeCgroups();
  const directories = [CLUSTER_DIR, RUN_DIR].filter((d) => existsSync(d));
  for (const d of directories) rmSync(d, { recursive: true, force: true });
  return { processes, mounts, network, cgroups, directories: directories.length };
}
