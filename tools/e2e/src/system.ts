// The whole system on one machine: a real control plane (envtest), the Azure emulator (a VM scale set
// with one instance per node), MIC replicas and one NMI per node, all from the built bundles. In
// `netns` mode (root) every node is a network namespace with NMI's real iptables rules and pods are
// namespaces behind veth pairs; in `loopback` mode NMI listens on loopback and pods are 127.x addresses.
// Used by the demo and the e2e tier. stop() (and, as a last resort, the exit hooks) removes everything.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  startAzureEmulator,
  type AzureEmulator,
  type RequestLogEntry,
  type RuntimeOptionsPatch,
} from '@pod-identity/azure-emulator';
import { startControlPlane, type ControlPlane } from '@pod-identity/envtest';
import { prepareArtifacts, REPO_ROOT, type Artifacts } from './artifacts';
import { bridgeNode, type NodeBridges } from './bridges';
import { track } from './cleanup';
import { Cluster, SYSTEM_NAMESPACE, type AssignedIdentityView } from './cluster';
import { micArgs, micEnv, nmiArgs, nmiEnv, type NmiPlacement } from './components';
import { prepareFederation, type FederationOptions, type FederationSetup } from './federation';
import { freePort } from './ports';
import { NodeNetwork } from './network';
import { curlInPod, requestFromLoopback, type TokenResponse } from './pod-requests';
import { ManagedProcess, type LogLine } from './process';
import { formatTable, fetchTable } from './table';
import { azureJson, providerIdOf, worldSeed } from './world';

export type Mode = 'netns' | 'loopback';

export interface SystemOptions {
  readonly mode: Mode;
  readonly nodeCount: number;
  readonly micReplicas: number;
  /** Progress messages (the demo prints them). */
  readonly progress?: (message: string) => void;
  /** Every output line of every child process (e.g. to a log file). */
  readonly onProcessLine?: (name: string, line: string) => void;
  readonly emulatorRuntime?: RuntimeOptionsPatch;
  readonly leaseDuration?: string;
  /** MIC's --forceNamespaced (default true, as deploy/base). */
  readonly micForceNamespaced?: boolean;
  readonly micFlags?: readonly string[];
  readonly nmiFlags?: readonly string[];
  /** The federated backend (docs/adr/0010): issuer registered with Entra ID, MIC and NMI pointed at it. */
  readonly federation?: FederationOptions;
}

export interface SimNode {
  readonly index: number;
  /** Kubernetes node name = the instance's computer name (AKS style). */
  readonly name: string;
  readonly providerId: string;
  readonly imds: { readonly host: string; readonly port: number };
  readonly network?: NodeNetwork;
  readonly bridges?: NodeBridges;
  /** NMI's port (loopback mode). */
  readonly nmiPort: number;
  nmi?: ManagedProcess;
  pods: number;
}

export interface SimPod {
  readonly namespace: string;
  readonly name: string;
  readonly node: SimNode;
  readonly ip: string;
  /** Its network namespace (netns mode). */
  readonly netns?: string;
}

export class PodIdentitySystem {
  readonly mics: ManagedProcess[] = [];
  readonly nodes: SimNode[] = [];
  /** Every request the emulator answered (IMDS, Entra ID, ARM), with its source address. */
  readonly requests: RequestLogEntry[] = [];
  cluster!: Cluster;
  plane!: ControlPlane;
  federation?: FederationSetup;
  emulator!: AzureEmulator;
  artifacts!: Artifacts;
  private readonly workDir: string;
  private readonly unregisterWorkDir: () => void;
  private micCount = 0;

  private constructor(readonly options: SystemOptions) {
    // Short: unix socket paths live here.
    this.workDir = mkdtempSync('/tmp/pi-e2e-');
    this.unregisterWorkDir = track({ kind: 'dir', path: this.workDir });
  }

  static async start(options: SystemOptions): Promise<PodIdentitySystem> {
    const system = new PodIdentitySystem(options);
    try {
      await system.boot();
    } catch (err) {
      await system.stop();
      throw err;
    }
    return system;
  }

  private say(message: string): void {
    this.options.progress?.(message);
  }

  private async boot(): Promise<void> {
    this.say('building the MIC and NMI bundles and the helper scripts');
    const [artifacts, plane, emulator] = await Promise.all([
      prepareArtifacts(this.workDir, { rebuildApps: true }),
      startControlPlane({ startupTimeoutMs: 90_000 }),
      startAzureEmulator({
        seed: worldSeed(this.options.nodeCount),
        onRequest: (entry) => this.requests.push(entry),
        runtime: { pollRetryAfterSeconds: 0, ...this.options.emulatorRuntime },
      }),
    ]);
    this.artifacts = artifacts;
    this.plane = plane;
    this.emulator = emulator;
    this.say(
      `control plane at ${plane.server}; Azure emulator ARM ${emulator.urls.arm}, Entra ID ${emulator.urls.authorityHost}`,
    );
    this.cluster = new Cluster(plane.kubeConfig);
    await this.cluster.install();
    if (this.options.federation)
      this.federation = await prepareFederation(plane.kubeConfig, emulator, this.options.federation);
    this.say('CRDs installed; MIC and NMI ServiceAccounts bound to the ClusterRoles of deploy/base/rbac');
    writeFileSync(this.path('azure.json'), JSON.stringify(azureJson(), null, 2), { mode: 0o600 });
    const indexes = Array.from({ length: this.options.nodeCount }, (_, i) => i);
    const [nodes] = await Promise.all([
      Promise.all(indexes.map((i) => this.addNode(i))),
      this.cluster.serviceAccountKubeconfig('pod-identity-mic', this.path('mic.kubeconfig')),
      this.cluster.serviceAccountKubeconfig('pod-identity-nmi', this.path('nmi.kubeconfig')),
    ]);
    this.nodes.push(...nodes);
    this.say(
      `${nodes.length} Node objects created${this.options.mode === 'netns' ? ', each with its network namespace' : ''}`,
    );
    const mics = Array.from({ length: this.options.micReplicas }, () => this.startMic());
    await Promise.all([...mics, ...this.nodes.map((n) => this.startNmi(n))]);
    this.say(`${this.options.micReplicas} MIC and ${nodes.length} NMI processes started`);
  }

  private path(name: string): string {
    return join(this.workDir, name);
  }

  private async addNode(index: number): Promise<SimNode> {
    const info = this.emulator.nodes().find((n) => n.resourceId.endsWith(`/virtualMachines/${index}`));
    if (!info?.imdsUrl) throw new Error(`the emulator has no IMDS listener for instance ${index}`);
    const url = new URL(info.imdsUrl);
    const imds = { host: url.hostname, port: Number(url.port) };
    const name = info.computerName.toLowerCase();
    const providerId = providerIdOf(index);
    await this.cluster.createNode(name, providerId);
    if (this.options.mode === 'loopback')
      return { index, name, providerId, imds, nmiPort: await freePort(), pods: 0 };
    const network = await NodeNetwork.create({
      id: `${process.pid.toString(36).slice(-3)}${index}`,
      subnet: `10.244.${index}`,
    });
    const bridges = await bridgeNode(network, {
      socketDir: this.workDir,
      apiServerPort: this.plane.ports.apiServer,
      imds,
      forwarderJs: this.artifacts.forwarder,
      onLine: this.options.onProcessLine,
      loopbackPorts: this.federation ? [this.federation.authorityPort] : [],
    });
    return { index, name, providerId, imds, network, bridges, nmiPort: 2579, pods: 0 };
  }

  /** Starts one more MIC replica (instance mic-<n>); resolves once it logged its start. */
  async startMic(): Promise<ManagedProcess> {
    const instance = `mic-${this.micCount++}`;
    const argv = micArgs({
      kubeconfig: this.path('mic.kubeconfig'),
      cloudconfig: this.path('azure.json'),
      namespace: SYSTEM_NAMESPACE,
      instance,
      leaseDuration: this.options.leaseDuration ?? '5s',
      forceNamespaced: this.options.micForceNamespaced,
      extra: [...(this.federation?.micFlags ?? []), ...(this.options.micFlags ?? [])],
    });
    const mic = new ManagedProcess([process.execPath, this.artifacts.mic, ...argv], {
      name: instance,
      env: micEnv(this.emulator.cloudEnvironmentPath, this.emulator.ca.path),
      onLine: this.options.onProcessLine,
    });
    this.mics.push(mic);
    await mic.waitForLine('"starting"', (l) => l.msg === 'starting', 30_000);
    return mic;
  }

  /** The MIC replica holding the leader Lease (waits for one, bounded). */
  async leader(timeoutMs = 30_000): Promise<ManagedProcess> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const leading = this.mics.filter((m) => m.running && lastLeaderEvent(m.lines) === 'became leader');
      if (leading.length === 1) return leading[0];
      if (Date.now() > deadline) throw new Error('no MIC replica became leader in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Starts (or restarts) NMI of a node; resolves once it logged "nmi started". */
  async startNmi(node: SimNode): Promise<ManagedProcess> {
    const placement: NmiPlacement =
      node.network === undefined
        ? { kind: 'loopback', port: node.nmiPort, imdsHost: node.imds.host, imdsPort: node.imds.port }
        : { kind: 'netns' };
    const argv = [
      process.execPath,
      this.artifacts.nmi,
      ...nmiArgs({
        node: node.name,
        kubeconfig: this.path('nmi.kubeconfig'),
        placement,
        extra: [...(this.federation?.nmiFlags ?? []), ...(this.options.nmiFlags ?? [])],
      }),
    ];
    const options = {
      name: `nmi-${node.index}`,
      env: nmiEnv(),
      onLine: this.options.onProcessLine,
      cwd: REPO_ROOT,
    };
    const nmi = node.network
      ? node.network.spawnIn(node.network.namespace, argv, options)
      : new ManagedProcess(argv, options);
    node.nmi = nmi;
    await nmi.waitForLine('"nmi started"', (l) => l.msg === 'nmi started', 60_000);
    return nmi;
  }

  /** SIGTERM to NMI (it drains and exits; its iptables rules stay), then a new NMI. */
  async restartNmi(node: SimNode): Promise<void> {
    await node.nmi?.stop(15_000);
    await this.startNmi(node);
  }

  /** A namespace with its default ServiceAccount. */
  async createNamespace(name: string): Promise<void> {
    await this.cluster.createNamespace(name);
  }

  /** A running pod on a node: a network namespace behind a veth (netns) or a 127.x address (loopback). */
  async createPod(
    namespace: string,
    name: string,
    node: SimNode,
    labels: Record<string, string> = {},
    serviceAccount?: string,
  ): Promise<SimPod> {
    node.pods++;
    const net = node.network ? await node.network.addPod() : undefined;
    const ip = net?.ip ?? `127.0.0.${10 * (node.index + 1) + node.pods}`;
    await this.cluster.createPod(namespace, name, node.name, ip, labels, serviceAccount);
    return { namespace, name, node, ip, netns: net?.namespace };
  }

  /** The pod's token request through 169.254.169.254 (curl in its namespace, or from its address). */
  async requestToken(pod: SimPod, resource: string): Promise<TokenResponse> {
    if (pod.netns && pod.node.network) return curlInPod(pod.node.network, pod.netns, resource);
    return requestFromLoopback(pod.node.nmiPort, pod.ip, resource);
  }

  /** Runs the bundled pod client (@azure/identity) inside the pod's namespace; returns its JSON line. */
  async runPodClient(pod: SimPod, args: string[], timeoutMs: number): Promise<unknown> {
    if (!pod.netns || !pod.node.network) throw new Error('the pod client runs only in netns mode');
    const env = ['env', '-i', `PATH=${process.env.PATH ?? ''}`, `HOME=${process.env.HOME ?? '/'}`];
    const { stdout } = await pod.node.network.exec(
      pod.netns,
      [...env, process.execPath, this.artifacts.podClient, ...args],
      timeoutMs,
    );
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  }

  /** Waits (bounded) until MIC reports the pod's identity Assigned; `onWait` gets the status about every 250 ms. */
  async waitAssigned(
    pod: SimPod,
    timeoutMs: number,
    onWait?: (status: string, elapsedMs: number) => void,
  ): Promise<AssignedIdentityView> {
    const started = Date.now();
    let lastReport = 0;
    for (;;) {
      const found = (await this.cluster.assignedIdentities(pod.namespace)).find((a) => a.pod === pod.name);
      if (found?.status === 'Assigned') return found;
      const elapsed = Date.now() - started;
      if (elapsed > timeoutMs)
        throw new Error(
          `no Assigned AzureAssignedIdentity for ${pod.namespace}/${pod.name} after ${timeoutMs} ms (${found?.status ?? 'none yet'})`,
        );
      if (onWait && elapsed - lastReport >= 250) {
        lastReport = elapsed;
        onWait(found?.status ?? 'none yet', elapsed);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `kubectl get azureassignedidentity -n <ns>` */
  async assignedTable(namespace: string): Promise<string> {
    const table = await fetchTable(
      { server: this.plane.server, caPem: this.plane.caPem, token: this.plane.adminToken },
      `/apis/aadpodidentity.k8s.io/v1/namespaces/${namespace}/azureassignedidentities`,
    );
    return formatTable(table);
  }

  /** IMDS requests the emulator received from a source address (see forwarder.ts loopbackFor). */
  imdsRequestsFrom(address: string): RequestLogEntry[] {
    return this.requests.filter(
      (r) => r.service === 'imds' && r.remoteAddress.replace(/^::ffff:/, '') === address,
    );
  }

  /** Stops everything, in reverse order of start; safe to call twice and after a failed start. */
  async stop(): Promise<void> {
    const all = (work: (Promise<unknown> | undefined)[]): Promise<unknown> =>
      Promise.all(work.filter((w) => w !== undefined));
    const steps: (() => Promise<unknown>)[] = [
      () => all(this.nodes.map((n) => n.nmi?.stop(10_000))),
      () => all(this.mics.map((m) => m.stop(10_000))),
      () => all(this.nodes.map((n) => n.bridges?.stop())),
      () => all(this.nodes.map((n) => n.network?.destroy())),
      async () => this.emulator?.stop(),
      async () => this.plane?.stop(),
    ];
    for (const step of steps) await step().catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
    this.unregisterWorkDir();
  }
}

/** "became leader" or "stopped leading", whichever the replica logged last. */
export function lastLeaderEvent(lines: readonly LogLine[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const msg = lines[i].msg;
    if (msg === 'became leader' || msg === 'stopped leading') return msg;
  }
  return undefined;
}
