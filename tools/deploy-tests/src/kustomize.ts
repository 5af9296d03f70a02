// Finds a kustomize and renders kustomizations with it. Preference: $KUSTOMIZE; the kustomize built by
// tools/envtest/build-kustomize.sh at KUSTOMIZE_VERSION (built now when missing and Go is there);
// `kubectl kustomize` as the last resort. Rendering is a child process, bounded in time.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { pinnedVersions, ROOT } from './repo';

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

export interface Kustomize {
  /** The command, e.g. ['/…/kustomize', 'build'] or ['kubectl', 'kustomize']. */
  readonly command: readonly string[];
  readonly description: string;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where build-kustomize.sh puts the binary for the pinned version. */
export function cachedKustomizePath(env: NodeJS.ProcessEnv = process.env): string {
  const version = pinnedVersions().get('KUSTOMIZE_VERSION');
  if (!version) throw new Error('tools/envtest/versions.env has no KUSTOMIZE_VERSION');
  const cache = env.ENVTEST_CACHE || join(homedir(), '.cache', 'pod-identity-envtest');
  return join(cache, `kustomize-${version}`, 'kustomize');
}

function tryBuild(): string | undefined {
  const r = spawnSync('bash', [join(ROOT, 'tools', 'envtest', 'build-kustomize.sh')], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  const last = (r.stdout ?? '').trim().split('\n').pop();
  return r.status === 0 && last && executable(last) ? last : undefined;
}

/** The kustomize to use, or an error naming what was tried. */
export function findKustomize(env: NodeJS.ProcessEnv = process.env): Kustomize {
  if (env.KUSTOMIZE)
    return { command: [env.KUSTOMIZE, 'build'], description: `$KUSTOMIZE (${env.KUSTOMIZE})` };
  const cached = cachedKustomizePath(env);
  if (executable(cached)) return { command: [cached, 'build'], description: cached };
  const built = tryBuild();
  if (built) return { command: [built, 'build'], description: built };
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 });
  if (kubectl.status === 0) return { command: ['kubectl', 'kustomize'], description: 'kubectl kustomize' };
  throw new Error(
    `no kustomize: ${cached} is missing, tools/envtest/build-kustomize.sh failed (Go needed) and kubectl is not on PATH`,
  );
}

/** Renders a kustomization directory into its objects. */
export function render(kustomize: Kustomize, dir: string): KubeObject[] {
  const [cmd, ...args] = kustomize.command;
  const r = spawnSync(cmd, [...args, dir], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`${kustomize.description} ${dir}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(`${kustomize.description} ${dir} failed (exit ${r.status}):\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && typeof o === 'object' && typeof o.kind === 'string');
}

/** "Kind/namespace/name" of an object. */
export function objectKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}
