import { createServer, type Server } from 'node:net';
import { PortInUseError } from './errors';

export const LOOPBACK = '127.0.0.1';

function listen(port: number, host = LOOPBACK): Promise<Server> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolvePromise(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolvePromise) => server.close(() => resolvePromise()));
}

/**
 * Picks `count` distinct free loopback ports. All are held open at once so they differ, then released;
 * the kernel does not hand a just-released ephemeral port out again right away.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((s) => {
      const address = s.address();
      if (address === null || typeof address === 'string') throw new Error('unexpected server address');
      return address.port;
    });
  } finally {
    await Promise.all(servers.map(close));
  }
}

/** Throws PortInUseError when something already listens on host:port (default 127.0.0.1). */
export async function assertPortFree(port: number, what: string, host = LOOPBACK): Promise<void> {
  let server: Server;
  try {
    server = await listen(port, host);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, what);
    throw err;
  }
  await close(server);
}
