// Bundles MIC and NMI the way tools/scripts/bundle.mjs does for the images (esbuild, one CommonJS file,
// minified), into .local/bench/<app>/main.js, so RSS and CPU are those of what ships, without tsx's
// in-process transpiler. dist/ is left alone.
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './proc';

export async function bundleApp(app: 'mic' | 'nmi'): Promise<string> {
  const relative = join('.local', 'bench', app, 'main.js');
  await build({
    entryPoints: [join(ROOT, 'apps', app, 'src', 'main.ts')],
    outfile: join(ROOT, relative),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    define: { 'process.env.POD_IDENTITY_VERSION': JSON.stringify('bench') },
    logLevel: 'warning',
  });
  return relative;
}
