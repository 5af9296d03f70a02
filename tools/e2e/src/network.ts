// Creates and removes the e2e network of one node (see topology.ts): its namespace, pod namespaces
// added one by one, and processes started inside them. Requires root. Every namespace is also
// tracked for deletion (cleanup.ts), so an interrupted run leaves nothing behind.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { track } from './cleanup';
import { ManagedProcess, type ProcessOptions } from './process';
import {
  inNamespace,
  nodeNamespace,
  nodeSetupCommands,
  podIp,
  podNamespace,
  podSetupCommands,
  type NodeNet,
  type PodNet,
} from './topology';

const run = promisify(execFile);

export interface PodNetwork {
  readonly namespace: string;
  readonly ip: string;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function runAll(commands: string[][]): Promise<void> {
  for (const argv of commands) await run(argv[0], argv.slice(1), { timeout: 10_000 });
}

export class NodeNetwork {
  readonly namespace: string;
  readonly pods: PodNetwork[] = [];
  private readonly processes: ManagedProcess[] = [];
  private readonly unregister: (() => void)[] = [];

  private constructor(readonly node: NodeNet) {
    this.namespace = nodeNamespace(node);
  }

  /** The node namespace: lo up, 169.254.169.254 on lo, route_localnet. */
  static async create(node: NodeNet): Promise<NodeNetwork> {
    const network = new NodeNetwork(node);
    network.unregister.push(track({ kind: 'netns', name: network.namespace }));
    try {
      await runAll(nodeSetupCommands(node));
    } catch (err) {
      await network.destroy();
      throw err;
    }
    return network;
  }

  /** A new pod namespace joined to the node by a veth pair. */
  async addPod(): Promise<PodNetwork> {
    const pod: PodNet = { index: this.pods.length };
    const created = { namespace: podNamespace(this.node, pod), ip: podIp(this.node, pod) };
    this.pods.push(created);
    this.unregister.push(track({ kind: 'netns', name: created.namespace }));
    await runAll(podSetupCommands(this.node, pod));
    return created;
  }

  /** Runs argv inside a namespace of this node, bounded. */
  exec(namespace: string, argv: string[], timeoutMs = 20_000): Promise<{ stdout: string; stderr: string }> {
    const [cmd, ...args] = inNamespace(namespace, argv);
    return run(cmd, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 4 * 1024 * 1024 });
  }

  /** Starts a long-running process inside a namespace of this node; destroy() stops it. */
  spawnIn(namespace: string, argv: string[], options: ProcessOptions): ManagedProcess {
    const child = new ManagedProcess(inNamespace(namespace, argv), options);
    this.processes.push(child);
    return child;
  }

  /** Kills what runs inside, then deletes the pod namespaces and the node namespace (veths go with them). */
  async destroy(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill()));
    for (const name of [...this.pods.map((p) => p.namespace), this.namespace]) {
      await run('ip', ['netns', 'delete', name], { timeout: 10_000 }).catch(() => undefined);
    }
    for (const u of this.unregister) u();
  }
}
