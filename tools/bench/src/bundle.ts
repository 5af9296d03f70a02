// Bundles MIC and NMI with tools/scripts/bundle.mjs, the script the images' Dockerfiles run (same esbuild
// options, source map included), into .local/bench/<app>/main.js, so RSS and CPU are those of what ships.
// dist/ is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './proc';

export function bundleApp(app: 'mic' | 'nmi'): string {
  const relative = join('.local', 'bench', app, 'main.js');
  execFileSync(process.execPath, [join(ROOT, 'tools', 'scripts', 'bundle.mjs'), app, join(ROOT, relative)], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
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
