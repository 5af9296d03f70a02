// Requests share a small bounded pool of connections; watch streams have their own, so a burst of writes
// neither opens a connection per request nor starves the watches (src/http/agent-cache.ts). Real apiserver.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { KubeHttp, type StreamHandle } from '../src';
import { createNamespace, envtestKubeConfig, eventually } from './support';

type Connector = { createConnection: (...args: unknown[]) => unknown };

describe('KubeHttp connection pools on a real apiserver', () => {
  it('200 concurrent writes over 2 request connections all succeed while 3 watches keep streaming', async () => {
    const http = new KubeHttp(envtestKubeConfig(), { timeoutMs: 20_000, maxRequestSockets: 2 });
    const ns = await createNamespace(http, 'pool');
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const seen = [0, 0, 0];
    const watches: StreamHandle[] = [];
    try {
      for (let w = 0; w < 3; w++) {
        watches.push(
          await http.stream(
            { method: 'GET', path, query: { watch: 'true' } },
            { onObject: () => seen[w]++, onEnd: () => undefined },
          ),
        );
      }
      // The first request makes the request agent; from then on, count the connections it opens.
      await http.request({ method: 'GET', path });
      const agent = (
        http as unknown as { agents: { held: Map<string, { agent: Connector }> } }
      ).agents.held.get('request')?.agent;
      if (!agent) throw new Error('no request agent after a request');
      let connections = 0;
      const connect = agent.createConnection.bind(agent);
      agent.createConnection = (...args: unknown[]) => {
        connections++;
        return connect(...args);
      };
      const writes = Array.from({ length: 200 }, (_, i) =>
        http.request<V1ConfigMap>({ method: 'POST', path, body: { metadata: { name: `cm-${i}` } } }),
      );
      const created = await Promise.all(writes);
      expect(created.map((c) => c.metadata?.name).sort()).toHaveLength(200);
      // At most one more connection than the one already open: the pool holds 2.
      expect(connections).toBeLessThanOrEqual(1);
      await eventually(() => {
        if (!seen.every((n) => n >= 200)) throw new Error(`watches saw ${seen.join(', ')} of 200`);
      });
    } finally {
      for (const w of watches) w.abort();
      http.close();
    }
  });
});
