// Command line for a background control plane (manual use, the demo):
//   cluster-up    start etcd + kube-apiserver in the background, write .local/kubeconfig (idempotent)
//   cluster-down  stop them and remove their data (idempotent)
//   status        say whether one is running
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { envtestRoot } from './binaries';
import { startControlPlane } from './control-plane';
import { EnvtestError } from './errors';
import { killGroup } from './process';
import { httpGet, sleep } from './readiness';

const repoRoot = resolve(envtestRoot, '..', '..');
const localDir = join(repoRoot, '.local');
const stateDir = join(localDir, 'envtest');
const stateFile = join(stateDir, 'state.json');
const workDir = join(stateDir, 'run');
const kubeconfigPath = join(localDir, 'kubeconfig');

interface State {
  readonly server: string;
  readonly adminToken: string;
  readonly caPem: string;
  readonly pids: { readonly apiServer?: number; readonly etcd?: number };
  readonly ports: { readonly apiServer: number; readonly etcd: number; readonly etcdPeer: number };
  readonly startedAt: string;
}

function readState(): State | undefined {
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** True when pid is alive and is one of our envtest binaries (guards against pid reuse). */
function isOurProcess(pid: number | undefined): pid is number {
  if (pid === undefined) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /(kube-apiserver|etcd)\0/.test(cmdline) && cmdline.includes(workDir);
  } catch {
    return false;
  }
}

async function healthy(state: State): Promise<boolean> {
  if (!isOurProcess(state.pids.apiServer) || !isOurProcess(state.pids.etcd)) return false;
  try {
    const r = await httpGet(`${state.server}/readyz`, {
      token: state.adminToken,
      ca: state.caPem,
      timeoutMs: 3000,
    });
    return r.status === 200;
  } catch {
    return false;
  }
}

function usage(state: State): string {
  const kc = relative(process.cwd(), kubeconfigPath) || kubeconfigPath;
  return [
    `control plane running at ${state.server} (apiserver pid ${state.pids.apiServer}, etcd pid ${state.pids.etcd})`,
    `  kubeconfig: ${kubeconfigPath}`,
    `  try:        kubectl --kubeconfig ${kc} get --raw /readyz`,
    `  or:         export KUBECONFIG=${kubeconfigPath}`,
    `  tests:      ENVTEST_KUBECONFIG=${kubeconfigPath} reuses it for the integration tier`,
    `  logs:       ${join(workDir, 'kube-apiserver.log')}, ${join(workDir, 'etcd.log')}`,
    '  stop:       make cluster-down',
  ].join('\n');
}

async function stopPids(pids: readonly (number | undefined)[]): Promise<void> {
  const ours = pids.filter(isOurProcess);
  for (const pid of ours) killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (ours.some(isOurProcess) && Date.now() < deadline) await sleep(100);
  for (const pid of ours) killGroup(pid, 'SIGKILL');
}

async function clusterDown(quiet = false): Promise<void> {
  const state = readState();
  if (state) {
    // apiserver first: it would otherwise keep retrying etcd while shutting down.
    await stopPids([state.pids.apiServer]);
    await stopPids([state.pids.etcd]);
  }
  const hadSomething = state !== undefined || existsSync(workDir);
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(kubeconfigPath, { force: true });
  if (!quiet) console.log(hadSomething ? 'control plane stopped' : 'no control plane was running');
}

async function clusterUp(): Promise<void> {
  const existing = readState();
  if (existing && (await healthy(existing))) {
    console.log('already running; not starting a second one');
    console.log(usage(existing));
    return;
  }
  // A stale or half-dead one: clean it up first.
  await clusterDown(true);
  mkdirSync(stateDir, { recursive: true });
  const plane = await startControlPlane({
    workDir,
    kubeconfigPath,
    detached: true,
    log: (m) => console.log(m),
  });
  const state: State = {
    server: plane.server,
    adminToken: plane.adminToken,
    caPem: plane.caPem,
    pids: plane.pids(),
    ports: plane.ports,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(stateFile, JSON.stringify(state, null, 2), { mode: 0o600 });
  console.log(usage(state));
}

async function status(): Promise<number> {
  const state = readState();
  if (state && (await healthy(state))) {
    console.log(usage(state));
    return 0;
  }
  console.log(
    state ? 'control plane state found but it is not healthy; run make cluster-down' : 'not running',
  );
  return 1;
}

const HELP = `usage: cli.ts <command>
  cluster-up    start etcd + kube-apiserver in the background and write .local/kubeconfig
                (does nothing if one is already running)
  cluster-down  stop it and remove its data
  status        exit 0 and print connection details if one is running`;

async function main(argv: readonly string[]): Promise<number> {
  switch (argv[0]) {
    case 'cluster-up':
      await clusterUp();
      return 0;
    case 'cluster-down':
      await clusterDown();
      return 0;
    case 'status':
      return status();
    default:
      console.log(HELP);
      return argv[0] === undefined || argv[0] === '--help' || argv[0] === '-h' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof EnvtestError ? `envtest: ${err.message}` : err);
    process.exit(1);
  },
);
