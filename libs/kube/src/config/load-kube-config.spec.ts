import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientNodeCredentials } from './client-node-credentials';
import { FileCredentials } from './file-credentials';
import { KubeConfigError, kubeConfigOrHint, loadKubeConfig } from './load-kube-config';

async function applied(kc: { applyToHTTPSOptions(o: https.RequestOptions): Promise<void> }) {
  const options: https.RequestOptions = { headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  return options;
}

describe('loadKubeConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kube-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: { server: 'https://127.0.0.1:6443', insecure-skip-tls-verify: true }
- name: c2
  cluster: { server: 'https://127.0.0.2:6443', certificate-authority: ca.pem, tls-server-name: api.local }
users:
- name: u
  user: { token: abc }
- name: certs
  user: { client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key: keys/key.pem }
contexts:
- name: one
  context: { cluster: c1, user: u, namespace: apps }
- name: two
  context: { cluster: c2, user: certs }
current-context: one
`;

  function write(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('reads a kubeconfig file and its current context: server, namespace, bearer token', async () => {
    const kc = loadKubeConfig({ kubeconfigPath: write('config', kubeconfig) });
    expect(kc).toBeInstanceOf(FileCredentials);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.contextNamespace).toBe('apps');
    const options = await applied(kc);
    expect(options.headers).toEqual({ Accept: 'application/json', Authorization: 'Bearer abc' });
    expect(options.rejectUnauthorized).toBe(false);
  });

  it('another context: CA file relative to the kubeconfig, inline client certificate, key file, server name', async () => {
    write('ca.pem', 'CA');
    mkdirSync(join(dir, 'keys'), { recursive: true });
    write('keys/key.pem', 'KEY');
    const kc = loadKubeConfig({ kubeconfigPath: write('config', kubeconfig), context: 'two' });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.2:6443');
    expect(kc.contextNamespace).toBeUndefined();
    const options = await applied(kc);
    expect(String(options.ca)).toBe('CA');
    expect(String(options.cert)).toBe('CERT');
    expect(String(options.key)).toBe('KEY');
    expect(options.servername).toBe('api.local');
    expect(options.rejectUnauthorized).toBeUndefined();
    expect(options.headers).toEqual({ Accept: 'application/json' });
    // One keep-alive agent for every request until the material changes.
    expect(options.agent).toBe((await applied(kc)).agent);
  });

  it('names the file when it cannot be read, is not YAML, or lacks what it needs', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing') })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing') })).toThrow(/missing/);
    expect(() => loadKubeConfig({ kubeconfigPath: write('bad', 'a: [unclosed') })).toThrow(/bad: not YAML/);
    expect(() => loadKubeConfig({ kubeconfigPath: write('config', kubeconfig), context: 'three' })).toThrow(
      /config: no context named three/,
    );
    const noServer = kubeconfig.replace("server: 'https://127.0.0.1:6443', ", '');
    expect(() => loadKubeConfig({ kubeconfigPath: write('noserver', noServer) })).toThrow(
      /cluster c1 has no server/,
    );
    expect(() => loadKubeConfig({ kubeconfigPath: write('list', '- 1') })).toThrow(/is not a mapping/);
  });

  it('a CA file that disappears fails the request with its path, not the load', async () => {
    const path = write('config-noca', kubeconfig.replace('ca.pem', 'gone.pem'));
    const kc = loadKubeConfig({ kubeconfigPath: path, context: 'two' });
    await expect(applied(kc)).rejects.toThrow(/cannot read the certificate authority .*gone\.pem/);
  });

  it('uses the in-cluster service account when the env says so, re-reading a rotated token after a minute', async () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'ca.crt'), 'CLUSTER-CA');
    writeFileSync(join(sa, 'token'), 'first\n');
    writeFileSync(join(sa, 'namespace'), 'pod-identity-system');
    const env = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const kc = loadKubeConfig({ env, serviceAccountDir: sa });
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    expect(kc.contextNamespace).toBe('pod-identity-system');
    expect((await applied(kc)).headers).toMatchObject({ Authorization: 'Bearer first' });
    expect(String((await applied(kc)).ca)).toBe('CLUSTER-CA');
    const v6 = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir: sa,
    });
    expect(v6.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');

    let now = 0;
    const clocked = new FileCredentials(
      {
        server: 'https://10.0.0.1:443',
        namespace: undefined,
        tls: { ca: { file: join(sa, 'ca.crt') }, insecureSkipTlsVerify: false },
        auth: { kind: 'token-file', file: join(sa, 'token') },
      },
      { readFile: (p) => require('node:fs').readFileSync(p), now: () => now },
    );
    expect((await applied(clocked)).headers).toMatchObject({ Authorization: 'Bearer first' });
    writeFileSync(join(sa, 'token'), 'second\n');
    now += 59_000;
    expect((await applied(clocked)).headers).toMatchObject({ Authorization: 'Bearer first' });
    now += 1_000;
    expect((await applied(clocked)).headers).toMatchObject({ Authorization: 'Bearer second' });
    writeFileSync(join(sa, 'token'), '');
    now += 60_000;
    await expect(applied(clocked)).rejects.toThrow(/token file .* is empty/);
  });

  it('refuses to guess outside a cluster without --kubeconfig, with a hint for the operator', () => {
    expect(() => loadKubeConfig({ env: {} })).toThrow(/no --kubeconfig/);
    expect(kubeConfigOrHint('mic', { env: {} })).toMatch(
      /^mic: no Kubernetes credentials: not running in a cluster .*; pass --kubeconfig=<path>/,
    );
  });

  it('credentials that need code (an exec plugin) come from client-node, loaded on the first request', async () => {
    const plugin = write(
      'plugin.js',
      `console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec' } }))`,
    );
    const withExec = `${kubeconfig}`.replace(
      '  user: { token: abc }',
      `  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${process.execPath}
      args: ['${plugin}']
      interactiveMode: Never`,
    );
    const kc = loadKubeConfig({ kubeconfigPath: write('config-exec', withExec) });
    expect(kc).toBeInstanceOf(ClientNodeCredentials);
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.contextNamespace).toBe('apps');
    expect((await applied(kc)).headers).toMatchObject({ Authorization: 'Bearer from-exec' });
  });
});
