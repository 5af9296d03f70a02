// Unit tests of the harness parts that need no binaries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binDir, locateBinaries, readVersions } from './binaries';
import { BinariesMissingError, PortInUseError } from './errors';
import { makeKubeConfig } from './kubeconfig';
import { assertPortFree, freePorts } from './ports';
import { formatLogTail } from './process';

describe('versions and binaries', () => {
  it('reads the pinned versions from versions.env', () => {
    const v = readVersions();
    expect(v.kube).toMatch(/^1\.\d+\.\d+$/);
    expect(v.etcd).toMatch(/^3\.\d+\.\d+$/);
  });

  it('keys the cache folder by both versions', () => {
    const { kube, etcd } = readVersions();
    expect(binDir({ ENVTEST_CACHE: '/cache' })).toBe(`/cache/${kube}-${etcd}/bin`);
    expect(binDir({ ENVTEST_BIN_DIR: '/x/bin' })).toBe('/x/bin');
  });

  it('names make envtest when binaries are missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envtest-unit-'));
    try {
      writeFileSync(join(dir, 'etcd'), '', { mode: 0o755 });
      const err = (() => {
        try {
          locateBinaries(dir);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(BinariesMissingError);
      expect((err as BinariesMissingError).missing).toEqual([join(dir, 'kube-apiserver')]);
      expect((err as Error).message).toContain('make envtest');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ports', () => {
  it('picks distinct free loopback ports', async () => {
    const ports = await freePorts(3);
    expect(new Set(ports).size).toBe(3);
    for (const p of ports) await expect(assertPortFree(p, 'x')).resolves.toBeUndefined();
  });

  it('detects a port in use', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      await expect(assertPortFree(port, 'kube-apiserver')).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      server.close();
    }
  });
});

describe('logs and kubeconfig', () => {
  it('frames the tail of a log file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envtest-unit-'));
    try {
      const file = join(dir, 'x.log');
      writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n'));
      const tail = formatLogTail('etcd', file, 3);
      expect(tail).toContain('line 97\nline 98\nline 99');
      expect(tail).not.toContain('line 96');
      expect(formatLogTail('etcd', join(dir, 'missing.log'))).toContain('not readable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds a KubeConfig with server, CA and token', () => {
    const kc = makeKubeConfig({ server: 'https://127.0.0.1:1', caPem: 'PEM', token: 't' });
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://127.0.0.1:1',
      caData: Buffer.from('PEM').toString('base64'),
    });
    expect(kc.getCurrentUser()?.token).toBe('t');
  });
});
