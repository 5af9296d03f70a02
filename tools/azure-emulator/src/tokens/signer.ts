// RS256 signing key for every token the emulator mints (Entra ID and IMDS), and its JWKS.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { CompactSign, compactVerify, exportJWK } from 'jose';

export type VerifyResult =
  | { readonly ok: true; readonly claims: Record<string, unknown> }
  | { readonly ok: false; readonly reason: 'malformed' | 'signature' };

export class TokenSigner {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    readonly kid: string,
    private readonly jwk: Record<string, unknown>,
    readonly privateKeyPem: string,
  ) {}

  /** Uses `privateKeyPem` when given (so tokens stay valid across restarts), else a fresh key. */
  static async create(privateKeyPem?: string): Promise<TokenSigner> {
    const privateKey = privateKeyPem
      ? createPrivateKey(privateKeyPem)
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const publicKey = createPublicKey(privateKey);
    const der = publicKey.export({ type: 'spki', format: 'der' });
    // Entra ids look like base64url thumbprints; a hash of the key is stable and unique enough.
    const kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
    const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    return new TokenSigner(privateKey, publicKey, kid, jwk, pem);
  }

  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: [this.jwk] };
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    const payload = new TextEncoder().encode(JSON.stringify(claims));
    return new CompactSign(payload)
      .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.kid, x5t: this.kid })
      .sign(this.privateKey);
  }

  /** Signature check only: time and audience rules belong to the caller (it owns the clock). */
  async verify(token: string): Promise<VerifyResult> {
    if (token.split('.').length !== 3) return { ok: false, reason: 'malformed' };
    let payload: Uint8Array;
    try {
      ({ payload } = await compactVerify(token, this.publicKey, { algorithms: ['RS256'] }));
    } catch (err) {
      const code = (err as { code?: string }).code;
      return {
        ok: false,
        reason: code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' ? 'signature' : 'malformed',
      };
    }
    try {
      const claims = JSON.parse(new TextDecoder().decode(payload)) as unknown;
      if (typeof claims !== 'object' || claims === null) return { ok: false, reason: 'malformed' };
      return { ok: true, claims: claims as Record<string, unknown> };
    } catch {
      return { ok: false, reason: 'malformed' };
    }
  }
}
