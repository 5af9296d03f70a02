// Bundles MIC and NMI the way tools/scripts/bundle.mjs does for the images (esbuild, one CommonJS file,
// minified), into .local/bench/<app>/main.js, so RSS and CPU are those of what ships, without tsx's
// in-process transpiler. dist/ is left alone.
import { readFileSync } from 'node:fs';
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

/** The node flags of the app's image (its Dockerfile's exec-form ENTRYPOINT), so the bench runs what ships. */
export function imageNodeFlags(app: 'mic' | 'nmi'): string[] {
  const dockerfile = readFileSync(join(ROOT, 'apps', app, 'Dockerfile'), 'utf8');
  const line = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  if (!line) throw new Error(`apps/${app}/Dockerfile has no exec-form ENTRYPOINT`);
  const argv = JSON.parse(line) as string[];
  return argv.slice(1, -1).filter((a) => a.startsWith('--'));
}
