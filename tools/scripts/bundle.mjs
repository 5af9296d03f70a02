// Bundles an app into one CommonJS file that runs with plain Node 20, without node_modules.
// usage: node tools/scripts/bundle.mjs <app> [outfile]   (apps/<app>/src/main.ts -> dist/apps/<app>/main.js)
// The images and the benchmark (which passes its own outfile) both build through here, so they run the same code.
// The kubectl plugin (apps/cli) is an executable named kubectl-pod_identity, so `kubectl pod-identity` finds it on PATH.
import { build } from 'esbuild';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = process.argv[2];
if (!app) {
  console.error('usage: bundle.mjs <app> [outfile]');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const EXECUTABLES = { cli: 'kubectl-pod_identity' };
const executable = EXECUTABLES[app];
// Packages a program loads only on a path most runs never take. Every byte in main.js costs memory whether
// it runs or not (V8 parses all of it; docs/adr/0012), so these ship beside main.js as their own bundles in
// node_modules/<package>/index.js and load on first use. Value: the bundle's entry (what the program uses).
// The kubectl plugin is one file that must work alone: it keeps everything inside.
const SEPARATE = {
  // Only for kubeconfigs whose credentials need code (exec plugins, auth providers); never in a cluster.
  '@kubernetes/client-node': "export { KubeConfig } from '@kubernetes/client-node';",
  // Parses a --kubeconfig file (libs/kube); in a cluster nothing is parsed.
  yaml: "module.exports = require('yaml');",
  // NMI's routes other than the token route (docs/adr/0007).
  express: "module.exports = require('express');",
  // NMI's type-2 (certificate) service principals only.
  'node-forge': "module.exports = require('node-forge');",
};
const SEPARATE_BY_APP = { mic: ['@kubernetes/client-node', 'yaml'], nmi: Object.keys(SEPARATE) };
const separate = SEPARATE_BY_APP[app] ?? [];
const outfile = process.argv[3]
  ? resolve(process.argv[3])
  : join(root, 'dist', 'apps', app, executable ?? 'main.js');
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true };
await build({
  ...common,
  entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
  outfile,
  sourcemap: 'linked',
  tsconfig: join(root, 'tsconfig.base.json'),
  // The version comes from package.json, the one place that also tags the images.
  define: { 'process.env.POD_IDENTITY_VERSION': JSON.stringify(version) },
  logLevel: 'warning',
  legalComments: 'linked',
  external: separate,
  ...(executable ? { banner: { js: '#!/usr/bin/env node' } } : {}),
});
if (executable) chmodSync(outfile, 0o755);
for (const name of separate) {
  const dir = join(dirname(outfile), 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  await build({
    ...common,
    stdin: { contents: SEPARATE[name], resolveDir: root, loader: 'js' },
    outfile: join(dir, 'index.js'),
    logLevel: 'warning',
    legalComments: 'linked',
  });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, main: 'index.js' })}\n`);
  // Fail the build, not the first request that needs it, when a separate bundle does not load.
  const loaded = createRequire(join(dir, 'index.js'))(join(dir, 'index.js'));
  if (
    loaded === undefined ||
    loaded === null ||
    (Object.keys(loaded).length === 0 && typeof loaded !== 'function')
  ) {
    console.error(`bundle.mjs: the separate bundle of ${name} exports nothing`);
    process.exit(1);
  }
}
console.log(
  `bundled ${app} ${version} -> ${outfile}${separate.length ? ` (+ ${separate.join(', ')} beside it)` : ''}`,
);
