// Connects a node namespace to servers in the root namespace through unix sockets (see forwarder.ts):
//   node ns 127.0.0.1:<apiserver port>  → root ns 127.0.0.1:<apiserver port>   (NMI's kubeconfig works unchanged)
//   node ns 169.254.169.254:80          → root ns <this node's emulator IMDS>   (caller's address sent ahead)
//   node ns 127.0.0.1:<port>            → root ns 127.0.0.1:<port> for each of `loopbackPorts` (e.g. Entra ID)
// The root-side ends run in this process; the node-side end is one forwarder process inside the namespace.
import { join } from 'node:path';
import { startForwarder, type Forwarder } from './forwarder';
import type { NodeNetwork } from './network';
import type { ManagedProcess, ProcessOptions } from './process';
import { METADATA_IP } from './topology';

export interface BridgeOptions {
  /** A short directory for the sockets (unix socket paths are limited to 107 bytes). */
  readonly socketDir: string;
  readonly apiServerPort: number;
  /** This node's IMDS listener of the emulator in the root namespace. */
  readonly imds: { readonly host: string; readonly port: number };
  /** The bundled forwarder (artifacts.ts). */
  readonly forwarderJs: string;
  readonly onLine?: ProcessOptions['onLine'];
  /** More root-namespace loopback ports reachable at the same port inside the node namespace. */
  readonly loopbackPorts?: readonly number[];
}

export interface NodeBridges {
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

/** The node-side forwarder's arguments (pure). */
export function nodeSideArgs(
  apiServerPort: number,
  apiSocket: string,
  imdsSocket: string,
  loopback: ReadonlyArray<{ readonly port: number; readonly socket: string }> = [],
): string[] {
  return [
    `tcp:127.0.0.1:${apiServerPort}=unix:${apiSocket}`,
    `source:tcp:${METADATA_IP}:80=unix:${imdsSocket}`,
    ...loopback.map((l) => `tcp:127.0.0.1:${l.port}=unix:${l.socket}`),
  ];
}

export async function bridgeNode(network: NodeNetwork, options: BridgeOptions): Promise<NodeBridges> {
  const id = network.node.id;
  const apiSocket = join(options.socketDir, `${id}-api.sock`);
  const imdsSocket = join(options.socketDir, `${id}-imds.sock`);
  const loopback = (options.loopbackPorts ?? []).map((port) => ({
    port,
    socket: join(options.socketDir, `${id}-${port}.sock`),
  }));
  const rootSide: Forwarder[] = [];
  const stopRoot = async (): Promise<void> => {
    await Promise.all(rootSide.map((f) => f.close()));
  };
  try {
    rootSide.push(
      await startForwarder(
        { kind: 'unix', path: apiSocket },
        { kind: 'tcp', host: '127.0.0.1', port: options.apiServerPort },
      ),
    );
    rootSide.push(
      await startForwarder(
        { kind: 'unix', path: imdsSocket },
        { kind: 'tcp', ...options.imds },
        { acceptSource: true },
      ),
    );
    for (const l of loopback) {
      rootSide.push(
        await startForwarder(
          { kind: 'unix', path: l.socket },
          { kind: 'tcp', host: '127.0.0.1', port: l.port },
        ),
      );
    }
  } catch (err) {
    await stopRoot();
    throw err;
  }
  const child = network.spawnIn(
    network.namespace,
    [
      process.execPath,
      options.forwarderJs,
      ...nodeSideArgs(options.apiServerPort, apiSocket, imdsSocket, loopback),
    ],
    {
      name: `forwarder-${id}`,
      onLine: options.onLine,
    },
  );
  try {
    await child.waitForLine('"ready"', (l) => l.msg === 'ready', 20_000);
  } catch (err) {
    await child.kill();
    await stopRoot();
    throw err;
  }
  return {
    process: child,
    stop: async () => {
      await child.stop(2000);
      await stopRoot();
    },
  };
}
