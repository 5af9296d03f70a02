import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { BinariesMissingError } from './errors';

/** Root of tools/envtest (this file lives in tools/envtest/src). */
export const envtestRoot = resolve(__dirname, '..');

export interface EnvtestVersions {
  readonly kube: string;
  readonly etcd: string;
}

/** Reads tools/envtest/versions.env, the one place the control-plane versions are written. */
export function readVersions(file = join(envtestRoot, 'versions.env')): EnvtestVersions {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (m) vars.set(m[1], m[2]);
  }
  const kube = vars.get('KUBE_VERSION');
  const etcd = vars.get('ETCD_VERSION');
  if (!kube || !etcd) throw new Error(`${file} must set KUBE_VERSION and ETCD_VERSION`);
  return { kube, etcd };
}

export interface Binaries {
  readonly binDir: string;
  readonly kubeApiserver: string;
  readonly etcd: string;
}

/**
 * Where build.sh puts the binaries: $ENVTEST_BIN_DIR if set, else
 * ${ENVTEST_CACHE:-~/.cache/pod-identity-envtest}/<kube>-<etcd>/bin.
 */
export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENVTEST_BIN_DIR) return env.ENVTEST_BIN_DIR;
  const { kube, etcd } = readVersions();
  const cache = env.ENVTEST_CACHE || join(homedir(), '.cache', 'pod-identity-envtest');
  return join(cache, `${kube}-${etcd}`, 'bin');
}

/** Returns the binary paths, or throws BinariesMissingError naming the make target that builds them. */
export function locateBinaries(dir = binDir()): Binaries {
  const kubeApiserver = join(dir, 'kube-apiserver');
  const etcd = join(dir, 'etcd');
  const missing = [kubeApiserver, etcd].filter((p) => !isExecutable(p));
  if (missing.length > 0) throw new BinariesMissingError(missing, dir);
  return { binDir: dir, kubeApiserver, etcd };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
