// Reuses TLS material from the state folder when it covers the wanted names; otherwise generates it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTlsMaterial, type TlsMaterial } from './certs';

const FILES = {
  caCert: 'ca.pem',
  caKey: 'ca-key.pem',
  serverCert: 'server.pem',
  serverKey: 'server-key.pem',
  sans: 'server-sans.json',
} as const;

export interface StoredTls {
  readonly material: TlsMaterial;
  /** Path of the CA certificate (for NODE_EXTRA_CA_CERTS). */
  readonly caPath: string;
  readonly reused: boolean;
}

function tryLoad(dir: string, sans: string[]): TlsMaterial | undefined {
  const paths = Object.values(FILES).map((f) => join(dir, f));
  if (!paths.every((p) => existsSync(p))) return undefined;
  const stored = JSON.parse(readFileSync(join(dir, FILES.sans), 'utf8')) as string[];
  if (!sans.every((s) => stored.includes(s))) return undefined;
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  return {
    ca: { certPem: read(FILES.caCert), keyPem: read(FILES.caKey) },
    server: { certPem: read(FILES.serverCert), keyPem: read(FILES.serverKey) },
    subjectAltNames: stored,
  };
}

export function loadOrCreateTls(dir: string, sans: string[]): StoredTls {
  mkdirSync(dir, { recursive: true });
  const existing = tryLoad(dir, sans);
  if (existing) return { material: existing, caPath: join(dir, FILES.caCert), reused: true };
  const material = generateTlsMaterial(sans);
  writeFileSync(join(dir, FILES.caCert), material.ca.certPem);
  writeFileSync(join(dir, FILES.caKey), material.ca.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILES.serverCert), material.server.certPem);
  writeFileSync(join(dir, FILES.serverKey), material.server.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, FILES.sans), JSON.stringify(sans));
  return { material, caPath: join(dir, FILES.caCert), reused: false };
}
