// Paths of the workspace the manifest tests read, and the versions pinned in it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The workspace root (this file lives in tools/deploy-tests/src). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const DEPLOY_DIR = join(ROOT, 'deploy');
export const OVERLAYS_DIR = join(DEPLOY_DIR, 'overlays');
export const COMPONENTS_DIR = join(DEPLOY_DIR, 'components');

export type AppName = 'mic' | 'nmi';
export const APPS: readonly AppName[] = ['mic', 'nmi'];

/** Names of the directories under deploy/overlays. */
export function overlayNames(): string[] {
  return readdirSync(OVERLAYS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** Names of the directories under deploy/components. */
export function componentNames(): string[] {
  return readdirSync(COMPONENTS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/** The root package.json's version: the tag of the images and what `--version` prints. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** KEY=value lines of tools/envtest/versions.env. */
export function pinnedVersions(): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(join(ROOT, 'tools', 'envtest', 'versions.env'), 'utf8').split('\n')) {
    const m = /^\s*([A-Z_]+)=(\S+)\s*$/.exec(line);
    if (m) vars.set(m[1], m[2]);
  }
  return vars;
}
