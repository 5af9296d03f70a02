// A loopback HTTP proxy in front of the real apiserver that records every request MIC sends (method and
// path), so a test can count them. MIC talks plain HTTP to the proxy; the proxy forwards over TLS with the
// cluster's CA and passes MIC's own Authorization header on, so the apiserver still sees MIC's identity.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
}

export interface CountingProxy {
  /** A copy of the given KubeConfig that goes through the proxy. */
  readonly kubeConfig: KubeConfig;
  /** Requests seen so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  close(): Promise<void>;
}

function upstreamOf(kc: KubeConfig): { url: URL; ca: Buffer } {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.caData) throw new Error('counting proxy: the KubeConfig needs a cluster with caData');
  return { url: new URL(cluster.server), ca: Buffer.from(cluster.caData, 'base64') };
}

function forward(upstream: { url: URL; ca: Buffer }, req: IncomingMessage, res: ServerResponse): void {
  const out = https.request(
    {
      host: upstream.url.hostname,
      port: upstream.url.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.url.host },
      ca: upstream.ca,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', (err) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`proxy: ${err.message}`);
  });
  // A watch the client abandons must not keep the upstream connection open.
  res.on('close', () => out.destroy());
  req.pipe(out);
}

/** Starts the proxy for the cluster and user of `kc`. */
export async function startCountingProxy(kc: KubeConfig): Promise<CountingProxy> {
  const upstream = upstreamOf(kc);
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] ?? '' });
    forward(upstream, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const user = kc.getCurrentUser();
  const context = kc.getContextObject(kc.getCurrentContext());
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    // Plain http on loopback: client-node accepts an http server only with skipTLSVerify (there is no TLS).
    clusters: [{ name: 'counting-proxy', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: user ? [user] : [],
    contexts: [
      {
        name: 'counting-proxy',
        cluster: 'counting-proxy',
        user: user?.name ?? '',
        namespace: context?.namespace,
      },
    ],
    currentContext: 'counting-proxy',
  });
  return {
    kubeConfig: proxied,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
