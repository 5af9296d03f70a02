import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { locateBinaries } from './binaries';
import { registerCleanup, startReaper, writePidFile } from './cleanup';
import { EnvtestError, PortInUseError, ProcessExitedError, StartupTimeoutError } from './errors';
import { makeKubeConfig, writeKubeconfig } from './kubeconfig';
import { assertPortFree, freePorts, LOOPBACK } from './ports';
import { ServerProcess } from './process';
import { httpGet, sleep } from './readiness';

export interface ControlPlaneOptions {
  /** Directory holding kube-apiserver and etcd; default: the build.sh cache folder for versions.env. */
  readonly binDir?: string;
  /**
   * Directory for etcd data, certs, keys, logs and the kubeconfig. Default: a fresh temp dir.
   * It is removed by stop() either way.
   */
  readonly workDir?: string;
  /** Fixed ports (default: free loopback ports are picked). A port already in use is a PortInUseError. */
  readonly apiServerPort?: number;
  readonly etcdPort?: number;
  readonly etcdPeerPort?: number;
  /** Bound for each server to become ready (default 60 s; the apiserver usually needs 3-10 s). */
  readonly startupTimeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. ['--feature-gates=...']. */
  readonly apiServerArgs?: readonly string[];
  /** Where to write the kubeconfig (default <workDir>/kubeconfig). */
  readonly kubeconfigPath?: string;
  /**
   * Leave the servers running when this process exits (for `cluster-up`): no exit hooks and no
   * reaper. The caller must stop them later (cluster-down).
   */
  readonly detached?: boolean;
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void;
  /**
   * Address the apiserver binds to and advertises (default 127.0.0.1). Another address (a bridge that
   * nodes in network namespaces reach, for `make up`) also turns on the endpoint reconciler, so the
   * `kubernetes` Service gets endpoints that pods and kube-proxy use.
   */
  readonly address?: string;
  /** --authorization-mode (default ['RBAC']; a cluster with kubelets adds 'Node' before it). */
  readonly authorizationModes?: readonly string[];
  /** More static tokens for the token file: node and kube-proxy identities, say. */
  readonly extraTokens?: readonly StaticToken[];
}

/** One line of the apiserver's --token-auth-file. */
export interface StaticToken {
  readonly token: string;
  readonly user: string;
  readonly groups?: readonly string[];
}

/** The token file's text (pure): token,user,uid,"group1,group2". */
export function tokenFileText(tokens: readonly StaticToken[]): string {
  return tokens.map((t) => `${t.token},${t.user},${t.user},"${(t.groups ?? []).join(',')}"\n`).join('');
}

export interface ControlPlanePorts {
  readonly apiServer: number;
  readonly etcd: number;
  readonly etcdPeer: number;
}

export interface ControlPlane {
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly kubeconfigPath: string;
  /** A KubeConfig for the admin user (group system:masters). */
  readonly kubeConfig: KubeConfig;
  /** Static bearer token of the admin user. */
  readonly adminToken: string;
  /** PEM bundle that verifies the apiserver's serving certificate. */
  readonly caPem: string;
  /** Service-account token issuer (also the base of the served JWKS URL). */
  readonly issuer: string;
  readonly ports: ControlPlanePorts;
  readonly workDir: string;
  /** Current process ids (= process-group ids) of the servers. */
  pids(): { apiServer?: number; etcd?: number };
  /** A KubeConfig for the same cluster that authenticates with the given bearer token. */
  kubeConfigForToken(token: string, user?: string): KubeConfig;
  /** Stops the apiserver and starts it again on the same port and storage; resolves when ready. */
  restartApiServer(): Promise<void>;
  /** Stops etcd and starts it again on the same port and data; resolves when the apiserver is ready again. */
  restartEtcd(): Promise<void>;
  /** Stops both servers (process groups) and removes the work dir. Safe to call twice. */
  stop(): Promise<void>;
}

const ADMIN_USER = 'envtest-admin';
const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
const MAX_PORT_ATTEMPTS = 3;

/**
 * Starts etcd and kube-apiserver on loopback, waits for /readyz and writes a kubeconfig.
 * Errors: BinariesMissingError, PortInUseError, StartupTimeoutError, ProcessExitedError.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const fixedPorts =
    options.apiServerPort !== undefined ||
    options.etcdPort !== undefined ||
    options.etcdPeerPort !== undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // Picked ports can be taken by someone else between picking and binding: pick new ones.
      const retry = err instanceof PortInUseError && !fixedPorts && attempt < MAX_PORT_ATTEMPTS;
      if (!retry) throw err;
      options.log?.(`envtest: ${err.message}; retrying with other ports`);
    }
  }
}

async function pickPorts(options: ControlPlaneOptions): Promise<ControlPlanePorts> {
  const [a, e, p] = await freePorts(3);
  const ports = {
    apiServer: options.apiServerPort ?? a,
    etcd: options.etcdPort ?? e,
    etcdPeer: options.etcdPeerPort ?? p,
  };
  if (options.apiServerPort !== undefined)
    await assertPortFree(ports.apiServer, 'kube-apiserver', options.address ?? LOOPBACK);
  if (options.etcdPort !== undefined) await assertPortFree(ports.etcd, 'etcd (client)');
  if (options.etcdPeerPort !== undefined) await assertPortFree(ports.etcdPeer, 'etcd (peer)');
  return ports;
}

async function startOnce(options: ControlPlaneOptions): Promise<ControlPlane> {
  const log = options.log ?? (() => undefined);
  const bins = locateBinaries(options.binDir);
  const ports = await pickPorts(options);
  const timeoutMs = options.startupTimeoutMs ?? 60_000;

  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'envtest-'));
  mkdirSync(workDir, { recursive: true });
  const certDir = join(workDir, 'certs');
  const dataDir = join(workDir, 'etcd-data');
  mkdirSync(certDir, { recursive: true });

  const address = options.address ?? LOOPBACK;
  const server = `https://${address}:${ports.apiServer}`;
  const issuer = server;
  const adminToken = randomBytes(24).toString('hex');
  const saKeyFile = join(workDir, 'sa.key');
  const tokenFile = join(workDir, 'tokens.csv');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(saKeyFile, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  const tokens = [
    { token: adminToken, user: ADMIN_USER, groups: ['system:masters'] },
    ...(options.extraTokens ?? []),
  ];
  writeFileSync(tokenFile, tokenFileText(tokens), { mode: 0o600 });

  const etcdUrl = `http://${LOOPBACK}:${ports.etcd}`;
  const peerUrl = `http://${LOOPBACK}:${ports.etcdPeer}`;
  const etcd = new ServerProcess(
    'etcd',
    bins.etcd,
    [
      '--name=envtest',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=envtest=${peerUrl}`,
      '--initial-cluster-state=new',
      // Test data is throwaway: skip fsync, it makes etcd several times faster on slow disks.
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    join(workDir, 'etcd.log'),
    { detachFromParent: options.detached },
  );
  const apiServer = new ServerProcess(
    'kube-apiserver',
    bins.kubeApiserver,
    apiServerFlags({
      options,
      address,
      etcdUrl,
      port: ports.apiServer,
      certDir,
      issuer,
      saKeyFile,
      tokenFile,
    }),
    join(workDir, 'kube-apiserver.log'),
    { detachFromParent: options.detached },
  );

  const pgids = () => [apiServer.pid, etcd.pid].filter((p): p is number => p !== undefined && p > 0);
  const recordPids = () => writePidFile(workDir, pgids());
  const unregister = options.detached ? () => undefined : registerCleanup({ pgids, workDir });
  if (!options.detached) startReaper(workDir);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await apiServer.stop();
    await etcd.stop();
    rmSync(workDir, { recursive: true, force: true });
    unregister();
  };

  const started = Date.now();
  const startEtcd = async () => {
    etcd.start();
    recordPids();
    await waitReady(etcd, timeoutMs, async () => {
      const r = await httpGet(`${etcdUrl}/health`, { timeoutMs: 1000 });
      return r.status === 200 && r.body.includes('"health":"true"');
    });
  };
  const readyz = async () => {
    const r = await httpGet(`${server}/readyz`, { token: adminToken, timeoutMs: 2000 });
    return r.status === 200;
  };
  // The default namespace is created by a controller inside the apiserver, shortly after /readyz.
  const defaultNamespace = async () => {
    const r = await httpGet(`${server}/api/v1/namespaces/default`, { token: adminToken, timeoutMs: 2000 });
    return r.status === 200;
  };
  const startApiServer = async () => {
    apiServer.start();
    recordPids();
    await waitReady(apiServer, timeoutMs, readyz);
    await waitReady(apiServer, timeoutMs, defaultNamespace);
  };

  try {
    log(`envtest: starting etcd on ${etcdUrl}`);
    await startEtcd();
    log(`envtest: starting kube-apiserver on ${server}`);
    await startApiServer();
  } catch (err) {
    await stop();
    throw err;
  }
  log(`envtest: control plane ready in ${Date.now() - started} ms`);

  // The apiserver generated a self-signed CA and serving certificate (for 127.0.0.1) in certDir.
  const caPem = readFileSync(join(certDir, 'apiserver.crt'), 'utf8');
  const kubeconfigPath = options.kubeconfigPath ?? join(workDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server, caPem, token: adminToken, user: ADMIN_USER });
  const kubeConfigForToken = (token: string, user = 'envtest-user') =>
    makeKubeConfig({ server, caPem, token, user });

  return {
    server,
    kubeconfigPath,
    kubeConfig: kubeConfigForToken(adminToken, ADMIN_USER),
    adminToken,
    caPem,
    issuer,
    ports,
    workDir,
    pids: () => ({ apiServer: apiServer.pid, etcd: etcd.pid }),
    kubeConfigForToken,
    restartApiServer: async () => {
      await apiServer.stop();
      await startApiServer();
    },
    restartEtcd: async () => {
      await etcd.stop();
      await startEtcd();
      await waitReady(apiServer, timeoutMs, readyz);
    },
    stop,
  };
}

interface ApiServerInputs {
  readonly options: ControlPlaneOptions;
  readonly address: string;
  readonly etcdUrl: string;
  readonly port: number;
  readonly certDir: string;
  readonly issuer: string;
  readonly saKeyFile: string;
  readonly tokenFile: string;
}

function apiServerFlags(i: ApiServerInputs): string[] {
  return [
    `--etcd-servers=${i.etcdUrl}`,
    `--bind-address=${i.address}`,
    `--advertise-address=${i.address}`,
    // The endpoint reconciler refuses a loopback advertise address; nothing on loopback needs the
    // in-cluster `kubernetes` Service endpoints.
    ...(i.address === LOOPBACK ? ['--endpoint-reconciler-type=none'] : []),
    `--secure-port=${i.port}`,
    `--cert-dir=${i.certDir}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--service-account-issuer=${i.issuer}`,
    `--service-account-key-file=${i.saKeyFile}`,
    `--service-account-signing-key-file=${i.saKeyFile}`,
    `--token-auth-file=${i.tokenFile}`,
    `--authorization-mode=${(i.options.authorizationModes ?? ['RBAC']).join(',')}`,
    // NMI runs privileged (iptables); its pods must be admissible.
    '--allow-privileged=true',
    ...(i.options.apiServerArgs ?? []),
  ];
}

/**
 * Polls `probe` until it returns true. Fails fast if the process exits (PortInUseError when its log
 * says the address is taken), or with StartupTimeoutError after timeoutMs; both carry the log tail.
 */
async function waitReady(
  proc: ServerProcess,
  timeoutMs: number,
  probe: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  for (;;) {
    if (!proc.running) throw exitedError(proc);
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) throw new StartupTimeoutError(proc.name, timeoutMs, proc.logTail());
    await sleep(delay);
    delay = Math.min(delay * 2, 500);
  }
}

function exitedError(proc: ServerProcess): EnvtestError {
  const tail = proc.logTail();
  const inUse = /listen tcp [\d.]+:(\d+): bind: address already in use/.exec(tail);
  if (inUse) return new PortInUseError(Number(inUse[1]), proc.name);
  return new ProcessExitedError(proc.name, proc.exit?.code ?? null, proc.exit?.signal ?? null, tail);
}
