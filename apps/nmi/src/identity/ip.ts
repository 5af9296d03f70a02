// Canonical IP text, so the pod index and the socket agree: IPv4-mapped IPv6 (::ffff:a.b.c.d) becomes
// IPv4, IPv6 is lower-cased and compressed, zones are dropped. Anything else gives undefined.
import { isIP } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

export function canonicalIp(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const text = raw.trim().replace(/%.*$/, '');
  const mapped = MAPPED_V4.exec(text);
  if (mapped && isIP(mapped[1]) === 4) return mapped[1];
  const family = isIP(text);
  if (family === 4) return text;
  if (family === 6) return new URL(`http://[${text}]/`).hostname.slice(1, -1);
  return undefined;
}
