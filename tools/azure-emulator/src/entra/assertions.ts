// Client assertions: a certificate-signed JWT of the client itself, or a federated token of another issuer.
import { createHash, X509Certificate } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';
import type { FederatedCredential } from '../state/model';
import { type AadFailure, aadErrors } from './aadsts';
import type { Jwks } from './issuer-keys';

export interface DecodedAssertion {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

export function decodeAssertion(assertion: string): DecodedAssertion | undefined {
  try {
    return {
      header: decodeProtectedHeader(assertion) as Record<string, unknown>,
      claims: decodeJwt(assertion) as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

const SKEW_SECONDS = 300;

/** exp / nbf with five minutes of clock skew, as Entra allows. */
export function checkAssertionTime(claims: Record<string, unknown>, nowMs: number): AadFailure | undefined {
  const now = nowMs / 1000;
  const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : undefined;
  const expired = exp === undefined || exp + SKEW_SECONDS < now;
  const early = nbf !== undefined && nbf - SKEW_SECONDS > now;
  if (!expired && !early) return undefined;
  const date = (s: number | undefined): Date | undefined =>
    s === undefined ? undefined : new Date(s * 1000);
  return aadErrors.assertionTime(new Date(nowMs), date(nbf), date(exp));
}

function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

const normUrl = (u: string): string => u.replace(/\/+$/, '').toLowerCase();

function thumbprints(pem: string): { s256: string; s1: string } {
  const der = new X509Certificate(pem).raw;
  return {
    s256: createHash('sha256').update(der).digest('base64url'),
    s1: createHash('sha1').update(der).digest('base64url'),
  };
}

/** Verifies a certificate assertion against the principal's registered certificates. */
export async function verifyCertificateAssertion(
  assertion: string,
  decoded: DecodedAssertion,
  certificates: string[],
  acceptedAudiences: string[],
  clientId: string,
): Promise<AadFailure | undefined> {
  const aud = audiences(decoded.claims);
  const accepted = new Set(acceptedAudiences.map(normUrl));
  if (!aud.some((a) => accepted.has(normUrl(a)))) return aadErrors.assertionAudience(aud.join(','));
  const alg = typeof decoded.header.alg === 'string' ? decoded.header.alg : 'RS256';
  const wanted = (decoded.header['x5t#S256'] ?? decoded.header.x5t) as string | undefined;
  const candidates = certificates.filter((pem) => {
    if (!wanted) return true;
    const t = thumbprints(pem);
    return t.s256 === wanted || t.s1 === wanted;
  });
  if (candidates.length === 0) return aadErrors.certificateNotRegistered(clientId);
  for (const pem of candidates) {
    try {
      await compactVerify(assertion, await importX509(pem, alg), { algorithms: ['RS256', 'PS256'] });
      return undefined;
    } catch {
      // try the next registered certificate
    }
  }
  return aadErrors.assertionSignature();
}

/**
 * The federated credential matching the assertion's issuer, subject and audience (exact, case-sensitive
 * comparisons, as Entra does). A client without any credential gets the generic AADSTS70021; otherwise the
 * first part without a match is named: issuer (700211), then subject (700213), then audience (700212).
 */
export function matchFederatedCredential(
  decoded: DecodedAssertion,
  credentials: FederatedCredential[],
): FederatedCredential | AadFailure {
  const iss = String(decoded.claims.iss ?? '');
  const sub = String(decoded.claims.sub ?? '');
  const aud = audiences(decoded.claims);
  if (credentials.length === 0) return aadErrors.noFederatedRecord(iss, sub, aud.join(','));
  const byIssuer = credentials.filter((c) => c.issuer === iss);
  if (byIssuer.length === 0) return aadErrors.noFederatedIssuer(iss);
  const bySubject = byIssuer.filter((c) => c.subject === sub);
  if (bySubject.length === 0) return aadErrors.noFederatedSubject(sub);
  return (
    bySubject.find((c) => aud.some((a) => c.audiences.includes(a))) ??
    aadErrors.noFederatedAudience(aud.join(','))
  );
}

export async function verifyFederatedSignature(assertion: string, jwks: Jwks): Promise<boolean> {
  try {
    const keySet = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
    await compactVerify(assertion, keySet);
    return true;
  } catch {
    return false;
  }
}
