// Where the local cluster keeps its things. Everything is under .local/cluster in the repository, except the
// sockets and runtime state (under /run: unix socket paths are limited to 107 bytes) and what the kernel
// keeps by name (network namespaces, the bridge, cgroups): `make down` removes all of it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binDir } from '@pod-identity/envtest';
import { REPO_ROOT } from '../artifacts';
import type { NodeDirs } from './configs';
import type { ClusterNode } from './topology';

export const CLUSTER_DIR = join(REPO_ROOT, '.local', 'cluster');
export const RUN_DIR = '/run/pod-identity-cluster';
export const IMAGES_DIR = join(REPO_ROOT, '.local', 'images');
export const KUBECONFIG_PATH = join(CLUSTER_DIR, 'kubeconfig');
export const STATE_FILE = join(CLUSTER_DIR, 'state.json');
/** kubectl built with the cluster (tools/envtest/build.sh cluster): the same version as the apiserver. */
export const kubectlPath = (): string => join(binDir(), 'kubectl');
/** PATH with that kubectl first, for `make deploy` and the commands make up prints. */
export const pathWithKubectl = (): string => `${binDir()}:${process.env.PATH ?? ''}`;

export const PORTS = {
  apiServer: 16443,
  arm: 18443,
  entra: 18444,
  /** On loopback: pods must not reach the emulator's unauthenticated control API. */
  emulatorControl: 18445,
} as const;

export const nodeDirs = (node: ClusterNode): NodeDirs => ({
  data: join(CLUSTER_DIR, 'nodes', node.name),
  run: join(RUN_DIR, String(node.index)),
});

export interface RecordedProcess {
  readonly name: string;
  readonly pid: number;
}

export interface ClusterState {
  readonly startedAt: string;
  readonly server: string;
  readonly emulatorControl: string;
  readonly nodes: readonly string[];
  readonly processes: readonly RecordedProcess[];
}

export function readState(): ClusterState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export function writeState(state: ClusterState): void {
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
