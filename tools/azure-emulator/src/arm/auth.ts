// Bearer tokens on ARM: signature (the emulator's key), expiry and audience, as ARM checks them.
import type { EmulatorCore } from '../core';
import { type EmuRequest, header } from '../http/types';
import { type ArmFailure, armErrors } from './errors';

export interface ArmPrincipal {
  readonly objectId: string;
  readonly appId: string;
  readonly tenantId: string;
}

/** ARM's public audiences, plus the emulator's own origin (classic SDKs default the scope to the endpoint). */
export function allowedAudiences(origin: string): string[] {
  return [
    'https://management.core.windows.net/',
    'https://management.core.windows.net',
    'https://management.azure.com/',
    'https://management.azure.com',
    `${origin}/`,
    origin,
  ];
}

const SKEW_SECONDS = 300;

function bearerToken(authorization: string | undefined): string | ArmFailure {
  if (!authorization) return armErrors.missingAuthorization();
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  return match ? match[1] : armErrors.invalidToken("The 'Authorization' header must use the Bearer scheme.");
}

/** Expiry, not-before and audience checks on verified claims. */
export function checkArmClaims(
  claims: Record<string, unknown>,
  nowMs: number,
  origin: string,
): ArmFailure | undefined {
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  if (exp * 1000 <= nowMs) return armErrors.expiredToken(new Date(exp * 1000), new Date(nowMs));
  if (typeof claims.nbf === 'number' && claims.nbf - SKEW_SECONDS > nowMs / 1000) {
    return armErrors.invalidToken('The token is not yet valid.');
  }
  const audience = String(claims.aud ?? '');
  const allowed = allowedAudiences(origin);
  if (!allowed.some((a) => a.toLowerCase() === audience.toLowerCase())) {
    return armErrors.wrongAudience(
      audience,
      allowed.filter((a) => a.startsWith('https://management')),
    );
  }
  return undefined;
}

export async function authenticateArm(
  core: EmulatorCore,
  req: EmuRequest,
): Promise<ArmPrincipal | ArmFailure> {
  const token = bearerToken(header(req, 'authorization'));
  if (typeof token !== 'string') return token;
  const verified = await core.signer.verify(token);
  if (!verified.ok) {
    return armErrors.invalidToken(
      verified.reason === 'signature' ? 'The signature is invalid.' : 'The token is malformed.',
    );
  }
  const claims = verified.claims;
  const invalid = checkArmClaims(claims, core.now(), req.origin);
  if (invalid) return invalid;
  return {
    objectId: String(claims.oid ?? ''),
    appId: String(claims.appid ?? claims.azp ?? ''),
    tenantId: String(claims.tid ?? ''),
  };
}
