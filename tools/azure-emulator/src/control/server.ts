// node:http listener for the control API.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatorCore } from '../core';
import { formatOrigin, type ListenAddress } from '../http/listen-address';
import type { Listener } from '../http/serve';
import { type ControlHooks, handleControl } from './routes';

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startControlServer(
  core: EmulatorCore,
  hooks: ControlHooks,
  address: ListenAddress,
): Promise<Listener> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    readText(req)
      .then((body) =>
        handleControl(core, hooks, {
          method: (req.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          contentType: req.headers['content-type'] ?? '',
          body,
        }),
      )
      .then((response) => {
        const text = JSON.stringify(response.json ?? {});
        res.writeHead(response.status, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(text);
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: formatOrigin('http', address.host, port),
    host: address.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
