// The service principal's credential, read from the Secret an AzureIdentity references.
// Type 1: key clientSecret (or the only key, for old Secrets); type 2: keys certificate (PFX/PKCS#12)
// and password, converted to the PEM form @azure/identity takes. Values never reach a log line.
import { IDENTITY_TYPES } from '@pod-identity/crd-types';
import { NmiError } from '../errors';

export type SpMaterial =
  | { readonly kind: 'secret'; readonly secret: string }
  | { readonly kind: 'certificate'; readonly pem: string };

type ServicePrincipalType =
  typeof IDENTITY_TYPES.ServicePrincipal | typeof IDENTITY_TYPES.ServicePrincipalCertificate;

export function secretMaterial(
  type: ServicePrincipalType,
  data: Readonly<Record<string, Buffer>>,
  ref: string,
): SpMaterial {
  return type === IDENTITY_TYPES.ServicePrincipal ? clientSecret(data, ref) : certificate(data, ref);
}

function clientSecret(data: Readonly<Record<string, Buffer>>, ref: string): SpMaterial {
  const keys = Object.keys(data);
  const value = data.clientSecret ?? (keys.length === 1 ? data[keys[0]] : undefined);
  if (!value || value.length === 0) {
    throw new NmiError('credential-unavailable', `secret ${ref} has no clientSecret key`);
  }
  return { kind: 'secret', secret: value.toString('utf8') };
}

function certificate(data: Readonly<Record<string, Buffer>>, ref: string): SpMaterial {
  const pfx = data.certificate;
  if (!pfx || pfx.length === 0)
    throw new NmiError('credential-unavailable', `secret ${ref} has no certificate key`);
  const password = data.password?.toString('utf8') ?? '';
  try {
    return { kind: 'certificate', pem: pfxToPem(pfx, password) };
  } catch {
    throw new NmiError(
      'credential-unavailable',
      `secret ${ref}: the certificate cannot be read with the given password`,
    );
  }
}

/** PKCS#12 → "-----BEGIN CERTIFICATE----- … -----BEGIN PRIVATE KEY----- …" */
export function pfxToPem(pfx: Buffer, password: string): string {
  // Loaded on the first certificate identity, not at start: node-forge is a third of NMI's code and most
  // nodes never see a type-2 identity.
  const forge = require('node-forge') as typeof import('node-forge');
  const asn1 = forge.asn1.fromDer(forge.util.createBuffer(pfx.toString('binary')));
  const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const key = keyBags.find((b) => b.key)?.key;
  const cert = certBags.find((b) => b.cert)?.cert;
  if (!key || !cert) throw new Error('PFX without a key or a certificate');
  const keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
  return `${forge.pki.certificateToPem(cert)}${keyPem}`;
}
