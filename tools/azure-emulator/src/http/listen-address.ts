// "host:port" listen addresses ("127.0.0.1:0", "[::1]:8080", "169.254.169.254:80").

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`bad listen address "${text}": use host:port (e.g. 127.0.0.1:0 or [::1]:8443)`);
  const port = Number(match[3]);
  if (port > 65535) throw new Error(`bad port in listen address "${text}"`);
  return { host: match[1] ?? match[2], port };
}

export function formatOrigin(scheme: 'http' | 'https', host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${scheme}://${h}:${port}`;
}
