// Pure helpers to show a token without showing the token: its decoded claims, and a few of them.

export type Claims = Record<string, unknown>;

/** The payload of a JWT (not verified: this is for display and test assertions only). */
export function decodeClaims(jwt: string): Claims {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new Error('not a JWT (expected three dot-separated parts)');
  const json = Buffer.from(parts[1].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  const claims: unknown = JSON.parse(json);
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new Error('JWT payload is not an object');
  return claims as Claims;
}

/** "eyJ0eXAi…(1234 chars)": enough to see that a token came back, never the token itself. */
export function redactToken(token: string): string {
  return `${token.slice(0, 8)}…(${token.length} chars)`;
}

/** A token response with access_token replaced by its redacted form. */
export function redactTokenResponse(body: Record<string, unknown>): Record<string, unknown> {
  const token = body.access_token;
  return typeof token === 'string' ? { ...body, access_token: redactToken(token) } : body;
}
