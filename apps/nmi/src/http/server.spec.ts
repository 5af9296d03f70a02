import { Socket } from 'node:net';
import { connectionCheckIntervalMs, type RunningServer, startServer } from './server';

describe('connectionCheckIntervalMs', () => {
  it.each([
    [1000, 250],
    [2000, 500],
    [30_000, 1000],
    [200, 100],
  ])('request timeout %i ms -> checks every %i ms', (timeout, interval) => {
    expect(connectionCheckIntervalMs(timeout)).toBe(interval);
  });
});

describe('startServer', () => {
  let server: RunningServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((s) => s.destroy());
    await server?.close(0);
  });

  function connect(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      sockets.push(socket);
      const closed = new Promise<void>((done) => socket.on('close', () => done()));
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1', () => resolve({ socket, closed }));
    });
  }

  it('closes connections above maxConnections and keeps the ones it holds', async () => {
    server = await startServer((_req, res) => res.end('ok'), {
      host: '127.0.0.1',
      port: 0,
      maxHeaderBytes: 8192,
      requestTimeoutMs: 10_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 2,
    });
    const held = [await connect(server.port), await connect(server.port)];
    const extra = await connect(server.port);
    await extra.closed;
    let heldClosed = false;
    void Promise.race(held.map((h) => h.closed)).then(() => (heldClosed = true));
    held[0]?.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const answer = await new Promise<string>((resolve) =>
      held[0]?.socket.once('data', (d: Buffer) => resolve(d.toString())),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(heldClosed).toBe(false);
  });

  it('cuts a client that dribbles its headers soon after the request timeout', async () => {
    server = await startServer((_req, res) => res.end('ok'), {
      host: '127.0.0.1',
      port: 0,
      maxHeaderBytes: 8192,
      requestTimeoutMs: 1000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 10,
    });
    const { socket, closed } = await connect(server.port);
    socket.write('GET / HTTP/1.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 100);
    const guard = new Promise<'still open'>((resolve) =>
      setTimeout(() => resolve('still open'), 5000).unref(),
    );
    try {
      // Without the checking interval node would look only after 30 s.
      expect(await Promise.race([closed.then(() => 'closed' as const), guard])).toBe('closed');
    } finally {
      clearInterval(drip);
    }
  });
});
