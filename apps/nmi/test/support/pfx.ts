// A PKCS#12 (PFX) file for a type 2 identity's Secret, from the PEM key and certificate the emulator
// generates: what `openssl pkcs12 -export` would produce.
import forge from 'node-forge';

export function toPfx(keyPem: string, certPem: string, password: string): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.certificateFromPem(certPem);
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], password, {
    algorithm: '3des',
    friendlyName: 'nmi-test',
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
