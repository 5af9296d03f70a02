import { request } from 'node:http';
import { Counter } from 'prom-client';
import { createMetricsRegistry } from './registry';
import { runChecks, startProbeServer, type ProbeServer } from './probe-server';
import { startProbeServers } from './probe-servers';

function get(url: string, method = 'GET'): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('startProbeServer', () => {
  let server: ProbeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves metrics from its own registry', async () => {
    const registry = createMetricsRegistry({ defaultLabels: { component: 'test' } });
    const counter = new Counter({ name: 'things_total', help: 'things', registers: [registry] });
    counter.inc(3);
    server = await startProbeServer({ port: 0, host: '127.0.0.1', registry });
    const res = await get(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/plain');
    expect(res.body).toContain('things_total{component="test"} 3');
  });

  it('answers /healthz and /readyz from the injected checks', async () => {
    let ready = false;
    server = await startProbeServer({
      port: 0,
      host: '127.0.0.1',
      readinessChecks: { 'informers-synced': () => ready, rules: async () => true },
    });
    expect(await get(`${server.url}/healthz`)).toMatchObject({ status: 200, body: 'ok\n' });
    const notReady = await get(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toContain('[-]informers-synced failed');
    expect(notReady.body).toContain('[+]rules ok');
    ready = true;
    expect(await get(`${server.url}/readyz`)).toMatchObject({ status: 200, body: 'ok\n' });
    expect((await get(`${server.url}/readyz?verbose`)).body).toContain('[+]informers-synced ok');
  });

  it('treats a throwing or hanging check as failed, within the bound', async () => {
    server = await startProbeServer({
      port: 0,
      host: '127.0.0.1',
      checkTimeoutMs: 50,
      livenessChecks: {
        throws: () => {
          throw new Error('x');
        },
        hangs: () => new Promise<boolean>(() => undefined),
      },
    });
    const res = await get(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(res.body).toContain('[-]throws failed');
    expect(res.body).toContain('[-]hangs failed');
  });

  it('404s unknown paths and /metrics without a registry; 405s other methods', async () => {
    server = await startProbeServer({ port: 0, host: '127.0.0.1' });
    expect((await get(`${server.url}/nope`)).status).toBe(404);
    expect((await get(`${server.url}/metrics`)).status).toBe(404);
    expect((await get(`${server.url}/healthz`, 'POST')).status).toBe(405);
  });

  it('close() is idempotent and frees the port', async () => {
    server = await startProbeServer({ port: 0, host: '127.0.0.1' });
    const { port } = server;
    await server.close();
    await server.close();
    server = await startProbeServer({ port, host: '127.0.0.1' });
    expect(server.port).toBe(port);
  });

  it('fails clearly when the port is taken', async () => {
    server = await startProbeServer({ port: 0, host: '127.0.0.1' });
    await expect(startProbeServer({ port: server.port, host: '127.0.0.1' })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('runChecks', () => {
  it('is ok with no checks', async () => {
    await expect(runChecks({}, 10)).resolves.toEqual({ ok: true, results: [] });
  });
});

describe('startProbeServers', () => {
  const registry = createMetricsRegistry({});
  new Counter({ name: 'layout_total', help: 'layout', registers: [registry] }).inc();

  it('puts probes and metrics on two servers when the ports differ', async () => {
    const servers = await startProbeServers({
      probePort: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      registry,
      readinessChecks: { ready: () => true },
    });
    try {
      expect(servers.probe.port).not.toBe(servers.metrics.port);
      expect((await get(`${servers.probe.url}/readyz`)).status).toBe(200);
      expect((await get(`${servers.probe.url}/metrics`)).status).toBe(404);
      expect((await get(`${servers.metrics.url}/metrics`)).body).toContain('layout_total 1');
    } finally {
      await servers.close();
    }
    await expect(get(`${servers.probe.url}/healthz`)).rejects.toThrow();
  });

  it('serves everything from one server when both flags name the same port', async () => {
    const first = await startProbeServers({
      probePort: 0,
      metricsPort: 0,
      host: '127.0.0.1',
      registry,
      readinessChecks: {},
    });
    const port = first.metrics.port;
    await first.close();
    const servers = await startProbeServers({
      probePort: port,
      metricsPort: port,
      host: '127.0.0.1',
      registry,
      readinessChecks: { ready: () => false },
    });
    try {
      expect(servers.probe).toBe(servers.metrics);
      expect((await get(`${servers.probe.url}/readyz`)).status).toBe(503);
      expect((await get(`${servers.probe.url}/metrics`)).body).toContain('layout_total 1');
    } finally {
      await servers.close();
    }
  });
});
