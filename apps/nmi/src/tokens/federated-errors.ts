// Entra ID's answers to a federated exchange → IMDS-style answers (docs/adr/0010). What only the
// identity's owner can fix (no federated credential for this ServiceAccount, unknown client or tenant, a
// signature Entra cannot check) is final: 403 with the AADSTS code and the subject, so the SDK fails at
// once with a message that says what to create. What time or a retry fixes (clock skew, Entra busy or
// unreachable, the issuer's keys unreachable) is 503 + Retry-After.
import { NmiError } from '../errors';
import { mapEntraError } from './entra-client';

/** AADSTS codes of a federated assertion Entra has no matching credential for. */
const NO_MATCH = new Set([70021, 700211, 700212, 700213]);
/** Final refusals about the client or the assertion itself. */
const REFUSED = new Map<number, string>([
  [
    700016,
    'Entra ID does not know the client id in this tenant (check the AzureIdentity clientID and tenant)',
  ],
  [90002, 'Entra ID does not know the tenant (check spec.tenantID or --federated-tenant-id)'],
  [50013, "Entra ID could not check the token's signature against the issuer's keys (wrong issuer URL?)"],
  [50027, 'Entra ID found the ServiceAccount token malformed'],
]);
/** Transient: another attempt (with a fresh ServiceAccount token) may succeed. */
const RETRYABLE = new Map<number, string>([
  [
    700024,
    'the ServiceAccount token is outside its valid time range at Entra ID (clock skew between the cluster and Entra?)',
  ],
  [50166, "Entra ID could not reach the issuer's OIDC discovery endpoint"],
]);

/** The first AADSTS code an @azure/identity error carries (its errorResponse or its message text). */
export function aadstsCode(err: unknown): number | undefined {
  const e = err as {
    errorResponse?: { errorCodes?: unknown; errorDescription?: unknown };
    message?: unknown;
  };
  const codes = e?.errorResponse?.errorCodes;
  if (Array.isArray(codes) && typeof codes[0] === 'number') return codes[0];
  for (const text of [e?.errorResponse?.errorDescription, e?.message]) {
    const m = typeof text === 'string' ? /AADSTS(\d+)/.exec(text) : null;
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Maps a failed exchange for `subject` (system:serviceaccount:<ns>:<sa>). */
export function mapFederatedError(err: unknown, subject: string): NmiError {
  const code = aadstsCode(err);
  if (code === undefined) return mapEntraError(err);
  const detail = { upstreamError: `AADSTS${code}` };
  if (NO_MATCH.has(code)) {
    return new NmiError(
      'upstream-rejected',
      `Entra ID refused the federated token of ${subject} (AADSTS${code}): the identity has no federated credential for this issuer, subject and audience; see the AzureAssignedIdentity's status`,
      detail,
    );
  }
  const refused = REFUSED.get(code);
  if (refused) return new NmiError('upstream-rejected', `${refused} (AADSTS${code})`, detail);
  const retryable = RETRYABLE.get(code);
  if (retryable)
    return new NmiError('upstream-unavailable', `${retryable} (AADSTS${code}); retry shortly`, detail);
  return mapEntraError(err);
}
