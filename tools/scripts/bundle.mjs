// Bundles an app into one CommonJS file that runs with plain Node 20, without node_modules.
// usage: node tools/scripts/bundle.mjs <app>   (apps/<app>/src/main.ts -> dist/apps/<app>/main.js)
// The kubectl plugin (apps/cli) is an executable named kubectl-pod_identity, so `kubectl pod-identity` finds it on PATH.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.argv[2];
if (!app) {
  console.error('usage: bundle.mjs <app>');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXECUTABLES = { cli: 'kubectl-pod_identity' };
const executable = EXECUTABLES[app];
const outfile = join(root, 'dist', 'apps', app, executable ?? 'main.js');
await build({
  entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  sourcemap: 'linked',
  tsconfig: join(root, 'tsconfig.base.json'),
  // The version comes from package.json, the one place that also tags the images.
  define: { 'process.env.POD_IDENTITY_VERSION': JSON.stringify(version) },
  logLevel: 'warning',
  legalComments: 'linked',
  ...(executable ? { banner: { js: '#!/usr/bin/env node' } } : {}),
});
if (executable) chmodSync(outfile, 0o755);
console.log(`bundled ${app} ${version} -> ${outfile}`);
