import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfigError, loadKubeConfig } from './load-kube-config';

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
  cluster: { server: 'https://127.0.0.2:6443' }
users:
- name: u
  user: { token: abc }
contexts:
- name: one
  context: { cluster: c1, user: u }
- name: two
  context: { cluster: c2, user: u }
current-context: one
`;

  it('reads a kubeconfig file and its current context', () => {
    const path = join(dir, 'config');
    writeFileSync(path, kubeconfig);
    expect(loadKubeConfig({ kubeconfigPath: path }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.1:6443',
    );
    expect(loadKubeConfig({ kubeconfigPath: path, context: 'two' }).getCurrentCluster()?.server).toBe(
      'https://127.0.0.2:6443',
    );
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing') })).toThrow(KubeConfigError);
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'missing') })).toThrow(/missing/);
  });

  it('uses the in-cluster service account when the env says so', () => {
    const kc = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' },
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:443');
    const v6 = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
    });
    expect(v6.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
    expect(v6.getCurrentUser()?.authProvider?.name).toBe('tokenFile');
  });

  it('refuses to guess outside a cluster without --kubeconfig', () => {
    expect(() => loadKubeConfig({ env: {} })).toThrow(/no --kubeconfig/);
  });
});
