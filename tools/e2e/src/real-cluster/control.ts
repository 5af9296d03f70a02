// The control side of the local cluster, in the machine's own network namespace: the Azure emulator (a VM
// scale set with one instance per node), etcd and kube-apiserver on the bridge address, and the two
// controllers that make Deployments and DaemonSets run: kube-controller-manager and kube-scheduler.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlClient, type NodeInfo } from '@pod-identity/azure-emulator';
import {
  assertPortFree,
  PortInUseError,
  ServerProcess,
  startControlPlane,
  type ControlPlane,
  type StaticToken,
} from '@pod-identity/envtest';
import { REPO_ROOT } from '../artifacts';
import { worldSeed } from '../world';
import { portTaken } from './errors';
import { waitUntil } from './host';
import { CLUSTER_DIR, KUBECONFIG_PATH, PORTS } from './layout';
import type { KubeletClientPki } from './pki';
import { HOST_IP, type ClusterNode } from './topology';

export interface EmulatorHandle {
  readonly process: ServerProcess;
  readonly control: ControlClient;
  readonly controlUrl: string;
  readonly stateDir: string;
  readonly nodes: readonly NodeInfo[];
}

/** The emulator as a detached process; its CA, cloud.json and request log stay in its state dir. */
export async function startEmulator(nodeCount: number): Promise<EmulatorHandle> {
  const dir = join(CLUSTER_DIR, 'emulator');
  mkdirSync(dir, { recursive: true });
  const seedPath = join(dir, 'seed.json');
  writeFileSync(seedPath, JSON.stringify(worldSeed(nodeCount), null, 2));
  await assertPortFree(PORTS.emulatorControl, 'the Azure emulator (control API)').catch(() => {
    throw portTaken('127.0.0.1', PORTS.emulatorControl, "the Azure emulator's control API");
  });
  const controlUrl = `http://127.0.0.1:${PORTS.emulatorControl}`;
  const proc = new ServerProcess(
    'azure emulator',
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'tools', 'azure-emulator', 'src', 'cli.ts'),
      `--seed=${seedPath}`,
      `--state-dir=${join(dir, 'state')}`,
      `--arm=${HOST_IP}:${PORTS.arm}`,
      `--entra=${HOST_IP}:${PORTS.entra}`,
      `--control=127.0.0.1:${PORTS.emulatorControl}`,
      '--imds=none',
      '--node-imds=127.0.0.1:0',
      `--san=${HOST_IP}`,
    ],
    join(dir, 'emulator.log'),
    { detachFromParent: true },
  );
  proc.start();
  const control = new ControlClient(controlUrl);
  let nodes: NodeInfo[] = [];
  await waitUntil(
    'the Azure emulator answering',
    async () => {
      nodes = await control.nodes();
      return nodes.length === nodeCount;
    },
    60_000,
    {
      failure: () => (proc.running ? undefined : new Error(`the Azure emulator exited\n${proc.logTail(20)}`)),
    },
  );
  return { process: proc, control, controlUrl, stateDir: join(dir, 'state'), nodes };
}

export interface ControlSide {
  readonly plane: ControlPlane;
  readonly controllers: readonly ServerProcess[];
  readonly nodeTokens: ReadonlyMap<string, string>;
  readonly kubeProxyToken: string;
}

const token = (): string => randomBytes(24).toString('hex');

export async function startControlSide(
  nodes: readonly ClusterNode[],
  pki: KubeletClientPki,
  bin: { readonly controllerManager: string; readonly scheduler: string },
): Promise<ControlSide> {
  const nodeTokens = new Map(nodes.map((n) => [n.name, token()]));
  const kubeProxyToken = token();
  const extraTokens: StaticToken[] = [
    ...nodes.map((n) => ({
      token: nodeTokens.get(n.name) ?? '',
      user: `system:node:${n.name}`,
      groups: ['system:nodes'],
    })),
    // The bootstrap policy binds system:node-proxier to this user.
    { token: kubeProxyToken, user: 'system:kube-proxy' },
  ];
  const workDir = join(CLUSTER_DIR, 'control-plane');
  const plane = await startControlPlane({
    workDir,
    kubeconfigPath: KUBECONFIG_PATH,
    detached: true,
    address: HOST_IP,
    apiServerPort: PORTS.apiServer,
    startupTimeoutMs: 90_000,
    extraTokens,
    // Kubelets may touch only their own Node and the objects of their pods.
    authorizationModes: ['Node', 'RBAC'],
    apiServerArgs: [
      '--enable-admission-plugins=NodeRestriction',
      `--kubelet-client-certificate=${pki.certFile}`,
      `--kubelet-client-key=${pki.keyFile}`,
      // Nodes have no DNS names here: dial their InternalIP (logs, exec).
      '--kubelet-preferred-address-types=InternalIP',
    ],
  }).catch((err: unknown) => {
    if (err instanceof PortInUseError) throw portTaken(HOST_IP, err.port, 'kube-apiserver');
    throw err;
  });
  const common = [`--kubeconfig=${plane.kubeconfigPath}`, '--leader-elect=false', '--secure-port=0', '--v=1'];
  const controllerManager = new ServerProcess(
    'kube-controller-manager',
    bin.controllerManager,
    [
      ...common,
      `--service-account-private-key-file=${join(workDir, 'sa.key')}`,
      // Every namespace gets kube-root-ca.crt from this file: the apiserver's own CA bundle.
      `--root-ca-file=${join(workDir, 'certs', 'apiserver.crt')}`,
      '--cluster-name=pod-identity-local',
      '--controllers=*',
    ],
    join(workDir, 'kube-controller-manager.log'),
    { detachFromParent: true },
  );
  const scheduler = new ServerProcess(
    'kube-scheduler',
    bin.scheduler,
    common,
    join(workDir, 'kube-scheduler.log'),
    { detachFromParent: true },
  );
  controllerManager.start();
  scheduler.start();
  return { plane, controllers: [controllerManager, scheduler], nodeTokens, kubeProxyToken };
}
