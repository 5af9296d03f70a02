// The bundles the images ship run on their own: each dist/apps/<app>/main.js, built here by
// tools/scripts/bundle.mjs, is copied into a temp folder outside the workspace, with no node_modules
// anywhere above it, and answers --help and --version (the package.json version) as the source does.
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { helpText, runNode } from '../src/app-cli';
import { parseHelp } from '../src/help';
import { APPS, packageVersion, ROOT } from '../src/repo';

let dir: string;

function noNodeModulesAbove(start: string): boolean {
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return false;
    if (dirname(d) === d) return true;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pod-identity-bundles-'));
  for (const app of APPS) {
    const r = await runNode([join(ROOT, 'tools', 'scripts', 'bundle.mjs'), app], { timeoutMs: 170_000 });
    if (r.code !== 0) throw new Error(`bundle.mjs ${app} exited ${r.code}: ${r.stderr}`);
    copyFileSync(join(ROOT, 'dist', 'apps', app, 'main.js'), join(dir, `${app}.js`));
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(APPS)('the %s bundle alone', (app) => {
  it('sits in a folder outside the workspace with no node_modules above it', () => {
    expect(dir.startsWith(ROOT)).toBe(false);
    expect(noNodeModulesAbove(dir)).toBe(true);
  });

  it('prints the package.json version', async () => {
    const r = await runNode([join(dir, `${app}.js`), '--version'], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.trim()).toBe(`${app} ${packageVersion()}`);
  });

  it('prints the same --help as the source', async () => {
    const r = await runNode([join(dir, `${app}.js`), '--help'], { cwd: dir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const names = (text: string): string[] => parseHelp(text).map((f) => f.names.join(','));
    expect(names(r.stdout)).toEqual(names(await helpText(app)));
  });
});
