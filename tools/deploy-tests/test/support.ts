// Shared by the manifest test files: rendering (cached per process), finding workloads and containers.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ContainerSpec } from '../src/args-check';
import { findKustomize, render, type KubeObject, type Kustomize } from '../src/kustomize';
import { COMPONENTS_DIR, DEPLOY_DIR, OVERLAYS_DIR, type AppName } from '../src/repo';

export const NAMESPACE = 'pod-identity-system';

let kustomize: Kustomize | undefined;
const cache = new Map<string, KubeObject[]>();

export function kustomizeTool(): Kustomize {
  kustomize ??= findKustomize();
  return kustomize;
}

/** The objects of deploy/overlays/<name>. */
export function renderOverlay(name: string): KubeObject[] {
  const dir = join(OVERLAYS_DIR, name);
  if (!cache.has(dir)) cache.set(dir, render(kustomizeTool(), dir));
  return cache.get(dir) as KubeObject[];
}

/** deploy/base with one component, through a kustomization in a temp folder outside the workspace. */
export function renderBaseWith(component: string): KubeObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-tests-'));
  try {
    const rel = (p: string): string => relative(dir, p);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        `  - ${rel(join(DEPLOY_DIR, 'base'))}`,
        'components:',
        `  - ${rel(join(COMPONENTS_DIR, component))}`,
        '',
      ].join('\n'),
    );
    return render(kustomizeTool(), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function find(objects: readonly KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

export interface PodTemplate {
  readonly metadata: { readonly labels: Record<string, string> };
  readonly spec: Record<string, unknown> & {
    readonly containers: (ContainerSpec & Record<string, unknown>)[];
  };
}

/** The MIC Deployment or NMI DaemonSet of a rendering, if present. */
export function workload(objects: readonly KubeObject[], app: AppName): KubeObject | undefined {
  return app === 'mic'
    ? find(objects, 'Deployment', 'pod-identity-mic')
    : find(objects, 'DaemonSet', 'pod-identity-nmi');
}

export function podTemplate(obj: KubeObject): PodTemplate {
  return (obj.spec as { template: PodTemplate }).template;
}

/** The app's container (named after the app) of its workload. */
export function appContainer(obj: KubeObject, app: AppName): ContainerSpec & Record<string, unknown> {
  const c = podTemplate(obj).spec.containers.find((x) => x.name === app);
  if (!c) throw new Error(`${obj.kind} ${obj.metadata.name} has no container named ${app}`);
  return c;
}

/** True when every key/value of `selector` is among `labels`. */
export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}
