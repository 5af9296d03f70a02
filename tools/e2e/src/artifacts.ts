// What the demo and the e2e tier run: the MIC and NMI bundles (dist/apps/<app>/main.js, built by
// tools/scripts/bundle.mjs when missing) and two small helpers bundled here by esbuild (the forwarder
// and the pod client), so that processes inside network namespaces start with plain node, fast.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface Artifacts {
  readonly mic: string;
  readonly nmi: string;
  readonly forwarder: string;
  readonly podClient: string;
}

export const bundlePath = (app: 'mic' | 'nmi'): string => join(REPO_ROOT, 'dist', 'apps', app, 'main.js');

/** Builds the app bundle when it is missing (`force` rebuilds it). Bounded: 5 minutes. */
export async function ensureBundle(app: 'mic' | 'nmi', force = false): Promise<string> {
  const path = bundlePath(app);
  if (force || !existsSync(path)) {
    await run(process.execPath, [join(REPO_ROOT, 'tools', 'scripts', 'bundle.mjs'), app], {
      cwd: REPO_ROOT,
      timeout: 300_000,
    });
  }
  return path;
}

async function bundleHelper(name: 'forwarder' | 'pod-client', outDir: string): Promise<string> {
  const outfile = join(outDir, `${name}.js`);
  await build({
    entryPoints: [join(__dirname, 'cli', `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return outfile;
}

/** Everything the system needs to start, in `workDir/bin`. */
export async function prepareArtifacts(
  workDir: string,
  options: { rebuildApps?: boolean } = {},
): Promise<Artifacts> {
  const outDir = join(workDir, 'bin');
  mkdirSync(outDir, { recursive: true });
  const [mic, nmi, forwarder, podClient] = await Promise.all([
    ensureBundle('mic', options.rebuildApps),
    ensureBundle('nmi', options.rebuildApps),
    bundleHelper('forwarder', outDir),
    bundleHelper('pod-client', outDir),
  ]);
  return { mic, nmi, forwarder, podClient };
}
