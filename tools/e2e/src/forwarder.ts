// A byte-for-byte TCP/unix-socket forwarder. Network namespaces do not share loopback, but they share
// the filesystem: a unix socket carries a connection from a node or pod network namespace to a server
// in the root namespace (the apiserver, the emulator's IMDS) without any routed address.
//
// The caller's address would be lost on the way (a unix socket has none), so a forwarder may send it
// ahead as a PROXY protocol v1 line (`sendSource`), and the other end may take it (`acceptSource`) and
// connect to its target from a loopback address derived from it (loopbackFor). The emulator then logs
// a pod's direct request under 127.<pod ip> instead of an anonymous 127.0.0.1.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type Endpoint = { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

export interface ForwarderOptions {
  /** Write `PROXY TCP4 <src> <dst> <sport> <dport>\r\n` before the first byte of each connection. */
  readonly sendSource?: boolean;
  /** Read that line first and connect to the target from loopbackFor(src). */
  readonly acceptSource?: boolean;
}

/** Longest PROXY v1 line (the spec's bound). */
const MAX_HEADER = 107;

export function parseEndpoint(text: string): Endpoint {
  if (text.startsWith('unix:')) return { kind: 'unix', path: text.slice(5) };
  const m = /^tcp:(.+):(\d+)$/.exec(text);
  if (!m) throw new Error(`bad endpoint "${text}": use tcp:<host>:<port> or unix:<path>`);
  return { kind: 'tcp', host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function formatEndpoint(e: Endpoint): string {
  return e.kind === 'unix' ? `unix:${e.path}` : `tcp:${e.host}:${e.port}`;
}

const stripMapped = (ip: string): string => ip.replace(/^::ffff:/i, '');

/**
 * The loopback address that stands for a caller: an address on the node itself (loopback, the metadata
 * address, unknown) is 127.0.0.1; any other IPv4 a.b.c.d becomes 127.b.c.d (10.244.0.5 → 127.244.0.5).
 */
export function loopbackFor(source: string | undefined): string {
  const ip = stripMapped(source ?? '');
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m || m[1] === '127' || m[1] === '169') return '127.0.0.1';
  return `127.${m[2]}.${m[3]}.${m[4]}`;
}

export function proxyHeader(
  socket: Pick<Socket, 'remoteAddress' | 'remotePort' | 'localAddress' | 'localPort'>,
): string {
  const src = stripMapped(socket.remoteAddress ?? '0.0.0.0');
  const dst = stripMapped(socket.localAddress ?? '0.0.0.0');
  return `PROXY TCP4 ${src} ${dst} ${socket.remotePort ?? 0} ${socket.localPort ?? 0}\r\n`;
}

/** The source address of a PROXY v1 line (without its CRLF); undefined for UNKNOWN or garbage. */
export function parseProxyHeader(line: string): string | undefined {
  const parts = line.split(' ');
  if (parts[0] !== 'PROXY' || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) return undefined;
  return parts[2];
}

export function connectTo(target: Endpoint, localAddress?: string): Socket {
  if (target.kind === 'unix') return createConnection(target.path);
  return createConnection({
    port: target.port,
    host: target.host,
    ...(localAddress ? { localAddress } : {}),
  });
}

type Track = (socket: Socket) => void;

function pipeBoth(client: Socket, upstream: Socket, track: Track, head?: Buffer): void {
  track(upstream);
  const closeBoth = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', closeBoth);
  upstream.on('error', closeBoth);
  // A side that closed with an error takes the other with it; a clean end is passed on by pipe().
  client.once('close', (hadError) => {
    if (hadError) upstream.destroy();
  });
  upstream.once('close', (hadError) => {
    if (hadError) client.destroy();
  });
  if (head && head.length > 0) upstream.write(head);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Reads the PROXY line, then connects from the caller's loopback stand-in and pipes the rest. */
function acceptWithSource(client: Socket, target: Endpoint, track: Track): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf('\r\n');
    if (end < 0) {
      if (buffered.length > MAX_HEADER) client.destroy();
      return;
    }
    client.off('data', onData);
    client.pause();
    const source = parseProxyHeader(buffered.subarray(0, end).toString('latin1'));
    pipeBoth(client, connectTo(target, loopbackFor(source)), track, buffered.subarray(end + 2));
    client.resume();
  };
  client.on('error', () => client.destroy());
  client.on('data', onData);
}

function onConnection(client: Socket, target: Endpoint, options: ForwarderOptions, track: Track): void {
  if (options.acceptSource) {
    acceptWithSource(client, target, track);
    return;
  }
  const upstream = connectTo(target);
  if (options.sendSource) upstream.write(proxyHeader(client));
  pipeBoth(client, upstream, track);
}

export interface Forwarder {
  readonly server: Server;
  /** Stops listening and destroys every connection still open (so it never hangs). */
  close(): Promise<void>;
}

/** Listens on `listen` and pipes every accepted connection to a new connection to `target`. */
export function startForwarder(
  listen: Endpoint,
  target: Endpoint,
  options: ForwarderOptions = {},
): Promise<Forwarder> {
  const open = new Set<Socket>();
  const track: Track = (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    onConnection(client, target, options, track);
  });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of open) socket.destroy();
    });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      resolve({ server, close });
    };
    if (listen.kind === 'unix') server.listen(listen.path, onListening);
    else server.listen(listen.port, listen.host, onListening);
  });
}
