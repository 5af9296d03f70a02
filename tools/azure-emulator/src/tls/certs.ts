// Certificates with node-forge: a CA and a server certificate for the https endpoints, and
// self-signed client certificates for ClientCertificateCredential tests. Keys come from node:crypto
// (native and fast); forge only builds and signs the X.509 structures.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

export interface KeyAndCert {
  readonly keyPem: string;
  readonly certPem: string;
}

export interface TlsMaterial {
  readonly ca: KeyAndCert;
  readonly server: KeyAndCert;
  /** Hostnames and IPs the server certificate is valid for. */
  readonly subjectAltNames: string[];
}

export const DEFAULT_SANS = ['localhost', '127.0.0.1', '::1'];

function newKey(): {
  keyPem: string;
  forgeKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  return { keyPem, forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e) };
}

function baseCertificate(publicKey: forge.pki.rsa.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive serial: leading 0x01 byte keeps the DER integer from reading as negative.
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  const notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + days * 24 * 60 * 60 * 1000);
  return cert;
}

function sanEntries(names: string[]): { type: number; value?: string; ip?: string }[] {
  return names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name }));
}

/** A CA (10 years) and a server certificate it signs (2 years) for `subjectAltNames`. */
export function generateTlsMaterial(subjectAltNames: string[] = DEFAULT_SANS): TlsMaterial {
  const caKey = newKey();
  const ca = baseCertificate(caKey.publicKey, 3650);
  const caSubject = [
    { name: 'commonName', value: 'Azure Emulator Local CA' },
    { name: 'organizationName', value: 'pod-identity azure-emulator' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey.forgeKey, forge.md.sha256.create());

  const serverKey = newKey();
  const server = baseCertificate(serverKey.publicKey, 730);
  server.setSubject([{ name: 'commonName', value: subjectAltNames[0] ?? 'localhost' }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: sanEntries(subjectAltNames) },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKey.forgeKey, forge.md.sha256.create());
  return {
    ca: { keyPem: caKey.keyPem, certPem: forge.pki.certificateToPem(ca) },
    server: { keyPem: serverKey.keyPem, certPem: forge.pki.certificateToPem(server) },
    subjectAltNames,
  };
}

/** A self-signed client certificate (e.g. for a service principal's certificate credential). */
export function generateClientCertificate(commonName: string): KeyAndCert & { combinedPem: string } {
  const key = newKey();
  const cert = baseCertificate(key.publicKey, 365);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, critical: true },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { keyPem: key.keyPem, certPem, combinedPem: `${key.keyPem}${certPem}` };
}
