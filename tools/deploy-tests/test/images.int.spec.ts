// Image build inputs and the make targets around them: tags from package.json, Dockerfiles that build
// from what the repository has, and clear failures when no Docker engine or no cluster answers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { runNode } from '../src/app-cli';
import { APPS, packageVersion, ROOT } from '../src/repo';

describe('image tags', () => {
  it('deploy/base/kustomization.yaml tags both images with the package.json version', () => {
    const doc = parseDocument(
      readFileSync(join(ROOT, 'deploy', 'base', 'kustomization.yaml'), 'utf8'),
    ).toJS() as {
      images: { name: string; newTag: unknown }[];
    };
    for (const app of APPS)
      expect(String(doc.images.find((i) => i.name === `pod-identity/${app}`)?.newTag)).toBe(packageVersion());
  });

  it('sync-image-tags.mjs --check agrees', async () => {
    const r = await runNode([join(ROOT, 'tools', 'scripts', 'sync-image-tags.mjs'), '--check']);
    expect(r.code).toBe(0);
  });
});

describe.each(APPS)('apps/%s/Dockerfile', (app) => {
  const text = readFileSync(join(ROOT, 'apps', app, 'Dockerfile'), 'utf8');
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is multi-stage: npm ci and bundle.mjs in the build stage, the bundle copied into the runtime', () => {
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/RUN npm ci\b/);
    expect(text).toContain(`node tools/scripts/bundle.mjs ${app}`);
    expect(text).toContain(`COPY --from=build /src/dist/apps/${app}/ /app/`);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const sources = [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const src of sources) {
      expect(existsSync(join(ROOT, src))).toBe(true);
      expect(ignored.filter((pattern) => src === pattern || src.startsWith(`${pattern}/`))).toEqual([]);
    }
  });

  it(app === 'mic' ? 'runs as a non-root user' : 'installs iptables and conntrack', () => {
    if (app === 'mic') expect(text).toMatch(/^USER 65532:65532$/m);
    else expect(text).toMatch(/apt-get install .*iptables conntrack/);
  });
});

describe('make targets (tools/make/images.mk)', () => {
  const mk = join(ROOT, 'tools', 'make', 'images.mk');

  it('declares bundle, images, deploy and undeploy', () => {
    const text = readFileSync(mk, 'utf8');
    for (const target of ['bundle', 'images', 'deploy', 'undeploy'])
      expect(text).toMatch(new RegExp(`^${target}:`, 'm'));
  });

  it('make images fails clearly when no image engine answers', () => {
    const r = spawnSync('make', ['--no-print-directory', '-f', mk, 'images'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, IMAGE_ENGINES: '/nonexistent/docker /nonexistent/podman' },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('no image engine answers (tried: /nonexistent/docker /nonexistent/podman');
    expect(r.stderr).toContain('apps/*/Dockerfile');
  });
});

describe('tools/scripts/deploy.mjs', () => {
  let dir: string;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deploy-tests-kubeconfig-'));
    // A loopback port nothing listens on: bind one, note it, close it.
    port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    writeFileSync(
      join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: c, cluster: { server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: u, user: { token: "x" } }]',
        'contexts: [{ name: c, context: { cluster: c, user: u } }]',
        'current-context: c',
        '',
      ].join('\n'),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails clearly when no cluster answers at $KUBECONFIG', async () => {
    const r = await runNode([join(ROOT, 'tools', 'scripts', 'deploy.mjs'), 'apply', 'dev'], {
      env: { KUBECONFIG: join(dir, 'kubeconfig') },
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/deploy: (no cluster answers \(kubeconfig .*kubeconfig\)|kubectl not found)/);
  });

  it('names the overlays when asked for one that does not exist', async () => {
    const r = await runNode([join(ROOT, 'tools', 'scripts', 'deploy.mjs'), 'apply', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('available: dev, local, managed, prod');
  });
});

describe('make deploy / make undeploy (tools/scripts/deploy.mjs) on the envtest control plane', () => {
  const kubectl =
    spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).status === 0;
  const env = (): NodeJS.ProcessEnv => ({ KUBECONFIG: process.env.ENVTEST_KUBECONFIG });

  it(
    kubectl ? 'applies the dev overlay, again (idempotent), then removes it' : 'says kubectl is needed',
    async () => {
      const script = join(ROOT, 'tools', 'scripts', 'deploy.mjs');
      const first = await runNode([script, 'apply', 'dev'], { env: env(), timeoutMs: 170_000 });
      if (!kubectl) {
        expect(first.stderr).toContain('kubectl not found');
        return;
      }
      expect({ code: first.code, failure: /deploy: /.test(first.stderr) }).toEqual({
        code: 0,
        failure: false,
      });
      expect(first.stdout).toContain('deployment.apps/pod-identity-mic serverside-applied');
      const again = await runNode([script, 'apply', 'dev'], { env: env(), timeoutMs: 170_000 });
      expect(again.code).toBe(0);
      const removed = await runNode([script, 'delete', 'dev'], { env: env(), timeoutMs: 170_000 });
      expect(removed.code).toBe(0);
      expect(removed.stdout).toContain('deploy: overlay dev removed; namespace and CRDs kept');
    },
  );
});
