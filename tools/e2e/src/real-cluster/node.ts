// One node of the local cluster: containerd, the kubelet and kube-proxy inside the node's network
// namespace (nsenter: the machine's mount namespace is kept), the images imported into its containerd, and
// the emulator's IMDS for this VMSS instance on 169.254.169.254:80 of the namespace. Every process is
// started detached: it outlives `make up` and `make down` stops it by its process group.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, writeKubeconfig } from '@pod-identity/envtest';
import {
  cniConfDir,
  cniConflist,
  containerdConfig,
  containerdSocket,
  kubeletConfig,
  kubeletRootDir,
  kubeProxyConfig,
  type NodeDirs,
} from './configs';
import { run, waitUntil } from './host';
import { inNode, METADATA_IP, type ClusterNode } from './topology';

export interface NodeInputs {
  readonly node: ClusterNode;
  readonly dirs: NodeDirs;
  readonly bin: { readonly kubelet: string; readonly kubeProxy: string };
  readonly server: string;
  readonly caPem: string;
  readonly kubeletToken: string;
  readonly kubeProxyToken: string;
  readonly kubeletClientCaFile: string;
  /** docker-archive tarballs to import (the sandbox image among them). */
  readonly imageArchives: readonly string[];
  readonly sandboxImage: string;
  /** This node's emulator IMDS listener in the machine's namespace. */
  readonly imds: { readonly host: string; readonly port: number };
  /** Command that runs the forwarder (tools/e2e/src/cli/forwarder.ts). */
  readonly forwarder: readonly string[];
  /** Extra flags for every node's kubelet and containerd (KUBELET_EXTRA_ARGS, CONTAINERD_EXTRA_ARGS). */
  readonly extraArgs: { readonly kubelet: readonly string[]; readonly containerd: readonly string[] };
  readonly log: (message: string) => void;
  /** Ctrl-C: stop between steps (the caller removes what was made). */
  readonly signal?: AbortSignal;
}

const STARTUP_TIMEOUT_MS = 60_000;

function daemon(name: string, node: ClusterNode, argv: readonly string[], logDir: string): ServerProcess {
  const [cmd, ...args] = inNode(node, argv);
  const proc = new ServerProcess(`${name} (${node.name})`, cmd, args, join(logDir, `${name}.log`), {
    detachFromParent: true,
  });
  proc.start();
  return proc;
}

/** Fails with the daemon's log tail when it exits early: "containerd of node X exited" + why. */
async function waitFor(
  proc: ServerProcess,
  what: string,
  check: () => Promise<boolean> | boolean,
  signal?: AbortSignal,
): Promise<void> {
  await waitUntil(what, check, STARTUP_TIMEOUT_MS, {
    signal,
    failure: () => (proc.running ? undefined : new NodeDaemonError(proc)),
  }).catch((err: unknown) => {
    if (err instanceof NodeDaemonError || signal?.aborted) throw err;
    throw new Error(`${(err as Error).message}\n${proc.logTail(20)}`);
  });
}

export class NodeDaemonError extends Error {
  constructor(proc: ServerProcess) {
    super(`${proc.name} exited during startup (code ${proc.exit?.code ?? '?'})\n${proc.logTail(20)}`);
  }
}

export async function startNode(input: NodeInputs, started: ServerProcess[]): Promise<void> {
  const { node, dirs, log } = input;
  const logDir = join(dirs.data, 'logs');
  const configDir = join(dirs.data, 'config');
  for (const dir of [logDir, configDir, cniConfDir(dirs), kubeletRootDir(dirs), dirs.run])
    mkdirSync(dir, { recursive: true });

  writeFileSync(join(configDir, 'containerd.toml'), containerdConfig(node, dirs, input.sandboxImage));
  writeFileSync(join(cniConfDir(dirs), '10-pods.conflist'), cniConflist(node, dirs));
  writeFileSync(join(configDir, 'kubelet.yaml'), kubeletConfig(node, dirs, input.kubeletClientCaFile));
  const kubeletKubeconfig = join(configDir, 'kubelet.kubeconfig');
  const proxyKubeconfig = join(configDir, 'kube-proxy.kubeconfig');
  writeKubeconfig(kubeletKubeconfig, {
    server: input.server,
    caPem: input.caPem,
    token: input.kubeletToken,
    user: `system:node:${node.name}`,
  });
  writeKubeconfig(proxyKubeconfig, {
    server: input.server,
    caPem: input.caPem,
    token: input.kubeProxyToken,
    user: 'system:kube-proxy',
  });
  writeFileSync(join(configDir, 'kube-proxy.yaml'), kubeProxyConfig(node, proxyKubeconfig, 10249));

  log(`${node.name}: containerd`);
  const containerd = daemon(
    'containerd',
    node,
    ['containerd', '--config', join(configDir, 'containerd.toml'), ...input.extraArgs.containerd],
    logDir,
  );
  started.push(containerd);
  const ctr = (...args: string[]): string[] => [
    'ctr',
    '--address',
    containerdSocket(dirs),
    '--namespace',
    'k8s.io',
    ...args,
  ];
  await waitFor(
    containerd,
    `containerd of ${node.name} answering`,
    async () => {
      if (!existsSync(containerdSocket(dirs))) return false;
      await run(ctr('version'), { timeoutMs: 5000 });
      return true;
    },
    input.signal,
  );
  for (const archive of input.imageArchives) {
    input.signal?.throwIfAborted();
    await run(ctr('images', 'import', archive), { timeoutMs: 180_000 });
  }

  // The emulator's IMDS for this instance at 169.254.169.254:80, through a unix socket (the namespaces share
  // the filesystem); the caller's address travels ahead so the emulator logs which pod called it directly.
  const imdsSocket = join(dirs.run, 'imds.sock');
  const hostSide = new ServerProcess(
    `imds forwarder (${node.name}, host side)`,
    input.forwarder[0],
    [
      ...input.forwarder.slice(1),
      `accept-source:unix:${imdsSocket}=tcp:${input.imds.host}:${input.imds.port}`,
    ],
    join(logDir, 'imds-host.log'),
    { detachFromParent: true },
  );
  hostSide.start();
  started.push(hostSide);
  await waitFor(hostSide, `IMDS socket of ${node.name}`, () => existsSync(imdsSocket), input.signal);
  const nodeSide = daemon(
    'imds-forwarder',
    node,
    [...input.forwarder, `source:tcp:${METADATA_IP}:80=unix:${imdsSocket}`],
    logDir,
  );
  started.push(nodeSide);

  log(`${node.name}: kubelet`);
  const kubelet = daemon(
    'kubelet',
    node,
    [
      input.bin.kubelet,
      `--config=${join(configDir, 'kubelet.yaml')}`,
      `--kubeconfig=${kubeletKubeconfig}`,
      `--root-dir=${kubeletRootDir(dirs)}`,
      `--hostname-override=${node.name}`,
      `--node-ip=${node.ip}`,
      '--v=1',
      ...input.extraArgs.kubelet,
    ],
    logDir,
  );
  started.push(kubelet);
  await waitFor(
    kubelet,
    `kubelet of ${node.name} healthy`,
    async () => {
      await run(inNode(node, ['curl', '-sf', '--max-time', '2', 'http://127.0.0.1:10248/healthz']), {
        timeoutMs: 5000,
      });
      return true;
    },
    input.signal,
  );

  input.signal?.throwIfAborted();
  log(`${node.name}: kube-proxy`);
  const proxy = daemon(
    'kube-proxy',
    node,
    [input.bin.kubeProxy, `--config=${join(configDir, 'kube-proxy.yaml')}`, '--v=1'],
    logDir,
  );
  started.push(proxy);
}
