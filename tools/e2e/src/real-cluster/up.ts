// `make up`: the local cluster from nothing to MIC and NMI Ready, and a no-op when it is already up. Each step
// says what it does; a failure removes what was made (teardown) and the error names the step.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { binDir, type ServerProcess } from '@pod-identity/envtest';
import { startControlSide, startEmulator } from './control';
import { deployLocalOverlay, writeCloudConfig } from './deploy';
import { ClusterError } from './errors';
import { isAlive, isRoot, run, runAll } from './host';
import {
  CLUSTER_DIR,
  IMAGES_DIR,
  KUBECONFIG_PATH,
  kubectlPath,
  nodeDirs,
  readState,
  RUN_DIR,
  writeState,
  type RecordedProcess,
} from './layout';
import { startNode } from './node';
import { makeKubeletClientPki } from './pki';
import { teardown } from './teardown';

export { ClusterError };
import { bridgeCommands, clusterNodes, nodeNetworkCommands, type ClusterNode } from './topology';

export const NODE_COUNT = 2;
export const LOCAL_IMAGES = ['mic', 'nmi', 'client', 'pause'] as const;
const REQUIRED_TOOLS = [
  'ip',
  'nsenter',
  'iptables',
  'conntrack',
  'containerd',
  'runc',
  'ctr',
  'openssl',
  'curl',
];

export const imageArchive = (name: string): string => join(IMAGES_DIR, `${name}.tar`);

export function kubectl(args: readonly string[], timeoutMs = 60_000): Promise<string> {
  return run([kubectlPath(), `--kubeconfig=${KUBECONFIG_PATH}`, ...args], { timeoutMs });
}

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of REQUIRED_TOOLS) {
    if (
      !(await run(['sh', '-c', `command -v ${tool}`], { timeoutMs: 5000 }).then(
        () => true,
        () => false,
      ))
    )
      missing.push(tool);
  }
  if (!existsSync('/usr/lib/cni/bridge')) missing.push('containernetworking-plugins');
  return missing;
}

/** True when a recorded cluster answers: every process it started is alive and the apiserver is ready. */
export async function isHealthy(): Promise<boolean> {
  const state = readState();
  if (!state || state.processes.length === 0 || !state.processes.every((p) => isAlive(p.pid))) return false;
  return kubectl(['get', '--raw=/readyz', '--request-timeout=5s'], 10_000).then(
    () => true,
    () => false,
  );
}

/** Keeps the state file current, so that an interrupted `make up` is undone by `make down`. */
class Recorder {
  private readonly processes: RecordedProcess[] = [];
  server = '';
  emulatorControl = '';

  constructor(private readonly nodes: readonly ClusterNode[]) {}

  add(name: string, pid: number | undefined): void {
    if (pid !== undefined) this.processes.push({ name, pid });
    this.save();
  }

  addAll(processes: readonly ServerProcess[]): void {
    for (const p of processes) this.add(p.name, p.pid);
  }

  save(): void {
    writeState({
      startedAt: new Date().toISOString(),
      server: this.server,
      emulatorControl: this.emulatorControl,
      nodes: this.nodes.map((n) => n.name),
      processes: this.processes,
    });
  }
}

export interface UpOptions {
  readonly log: (message: string) => void;
  readonly imageTag: string;
  /** Extra flags for every node's kubelet and containerd. */
  readonly extraArgs?: { readonly kubelet: readonly string[]; readonly containerd: readonly string[] };
  /** Leave a failed start as it is, for a look (make down removes it). */
  readonly keepOnFailure?: boolean;
  /** Ctrl-C: stop at the next step and remove what was made. */
  readonly signal?: AbortSignal;
}

async function checkPreconditions(): Promise<void> {
  if (!isRoot())
    throw new ClusterError(
      'make up needs root: it creates network namespaces, a bridge and cgroups, and runs containerd and the kubelet',
    );
  const missing = await missingTools();
  if (missing.length > 0)
    throw new ClusterError(
      `missing on this machine: ${missing.join(', ')} (as root, make cluster-tools installs them)`,
    );
  if (!existsSync(kubectlPath()))
    throw new ClusterError(`${kubectlPath()} is missing (make cluster-bins builds it)`);
  for (const name of LOCAL_IMAGES)
    if (!existsSync(imageArchive(name)))
      throw new ClusterError(`image archive ${imageArchive(name)} is missing (make local-images builds it)`);
}

export async function clusterUp(options: UpOptions): Promise<'started' | 'already-running'> {
  const { log, signal } = options;
  const step = (message: string): void => {
    signal?.throwIfAborted();
    log(message);
  };
  await checkPreconditions();
  if (await isHealthy()) return 'already-running';
  await teardown(); // a half-made or dead cluster goes first

  mkdirSync(CLUSTER_DIR, { recursive: true });
  mkdirSync(RUN_DIR, { recursive: true });
  const nodes = clusterNodes(NODE_COUNT);
  const recorder = new Recorder(nodes);
  recorder.save();
  try {
    step(`network: bridge and ${nodes.length} node namespaces`);
    await runAll(bridgeCommands());
    for (const node of nodes) await runAll(nodeNetworkCommands(node, nodes));

    step('Azure emulator: one VM scale set with an instance per node');
    const emulator = await startEmulator(nodes.length);
    recorder.emulatorControl = emulator.controlUrl;
    recorder.add(emulator.process.name, emulator.process.pid);

    step('control plane: etcd, kube-apiserver, kube-controller-manager, kube-scheduler');
    const pki = await makeKubeletClientPki(join(CLUSTER_DIR, 'pki'));
    const bins = binDir();
    const control = await startControlSide(nodes, pki, {
      controllerManager: join(bins, 'kube-controller-manager'),
      scheduler: join(bins, 'kube-scheduler'),
    });
    recorder.server = control.plane.server;
    recorder.add('etcd', control.plane.pids().etcd);
    recorder.add('kube-apiserver', control.plane.pids().apiServer);
    recorder.addAll(control.controllers);

    for (const node of nodes) {
      const started: ServerProcess[] = [];
      try {
        await startNode(
          {
            node,
            dirs: nodeDirs(node),
            bin: { kubelet: join(bins, 'kubelet'), kubeProxy: join(bins, 'kube-proxy') },
            server: control.plane.server,
            caPem: control.plane.caPem,
            kubeletToken: control.nodeTokens.get(node.name) ?? '',
            kubeProxyToken: control.kubeProxyToken,
            kubeletClientCaFile: pki.caFile,
            imageArchives: LOCAL_IMAGES.map(imageArchive),
            sandboxImage: `localhost/pod-identity/pause:${options.imageTag}`,
            imds: imdsOf(node, emulator.nodes),
            forwarder: [process.execPath, '--import', 'tsx', join(__dirname, '..', 'cli', 'forwarder.ts')],
            extraArgs: options.extraArgs ?? { kubelet: [], containerd: [] },
            log,
            signal,
          },
          started,
        );
      } finally {
        recorder.addAll(started);
      }
    }
    step('waiting for the nodes to be Ready');
    await kubectl(['wait', '--for=condition=Ready', 'node', '--all', '--timeout=120s'], 130_000);

    step('deploying deploy/overlays/local (make deploy OVERLAY=local)');
    await writeCloudConfig(emulator.stateDir);
    await deployLocalOverlay(log);
    return 'started';
  } catch (err) {
    if (signal?.aborted) {
      log('interrupted; removing what was made');
      await teardown();
    } else if (options.keepOnFailure) {
      log('make up failed; KEEP_ON_FAILURE=1 leaves everything as it is for a look (make down removes it)');
    } else {
      log('make up failed; removing what it made (KEEP_ON_FAILURE=1 keeps it for a look)');
      await teardown();
    }
    throw err;
  }
}

function imdsOf(
  node: ClusterNode,
  emulatorNodes: readonly { computerName: string; imdsUrl?: string }[],
): { host: string; port: number } {
  const info = emulatorNodes.find((n) => n.computerName === node.name);
  if (!info?.imdsUrl) throw new ClusterError(`the emulator has no IMDS listener for ${node.name}`);
  const url = new URL(info.imdsUrl);
  return { host: url.hostname, port: Number(url.port) };
}
