// Pure scrubbers: nothing that looks like a credential leaves the process in a log line.

export const REDACTED = '[REDACTED]';

/** Keys whose values are always replaced, at any depth (compared case-insensitively, "-" and "_" ignored). */
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'bearertoken',
  'clientsecret',
  'clientpassword',
  'clientassertion',
  'password',
  'passphrase',
  'secret',
  'apikey',
  'privatekey',
  'xidentityheader',
  'certificate',
  'pfx',
]);

/** Keys whose values are client ids: kept partially (see redactClientId). */
const CLIENT_ID_KEYS = new Set(['clientid', 'appid']);

type KeyKind = 'secret' | 'client-id' | 'plain';

/** Every log line asks about the same few dozen keys: remember the answers (bounded, then reset). */
const keyKinds = new Map<string, KeyKind>();
const MAX_REMEMBERED_KEYS = 4096;

function keyKind(key: string): KeyKind {
  let kind = keyKinds.get(key);
  if (kind === undefined) {
    const squashed = key.toLowerCase().replace(/[-_]/g, '');
    kind = SECRET_KEYS.has(squashed) ? 'secret' : CLIENT_ID_KEYS.has(squashed) ? 'client-id' : 'plain';
    if (keyKinds.size >= MAX_REMEMBERED_KEYS) keyKinds.clear();
    keyKinds.set(key, kind);
  }
  return kind;
}

export function isSecretKey(key: string): boolean {
  return keyKind(key) === 'secret';
}

export function isClientIdKey(key: string): boolean {
  return keyKind(key) === 'client-id';
}

/**
 * Client ids are not secret, but logs should not make them trivially harvestable (the original
 * project redacted them too). Ids of 16+ characters (a GUID has 36) keep their first 4 and last 4
 * characters: "8f7c2f64-...-9ad1" style, enough to tell identities apart in a log. Anything shorter is
 * fully masked, since 8 visible characters would reveal most of it.
 */
export function redactClientId(id: string | undefined | null): string {
  if (id === undefined || id === null || id === '') return '';
  if (id.length < 16) return '****';
  return `${id.slice(0, 4)}****${id.slice(-4)}`;
}

// eyJ... base64url header . payload . signature (signature may be empty for alg "none")
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Negotiate)\s+[A-Za-z0-9._~+/=-]{6,}/gi;
// key=value / "key":"value" / key: value for credential-bearing names (query strings, JSON, forms)
const SECRET_PAIR =
  /(["']?(?:access_token|refresh_token|id_token|client_secret|client_assertion|password|assertion)["']?\s*[=:]\s*["']?)([^"'&\s,;}]+)/gi;
const CLIENT_ID_PAIR = /(["']?(?:client_id|clientid)["']?\s*[=:]\s*["']?)([0-9A-Za-z-]{16,})/gi;

// Text none of the patterns below can match is returned as is after this one cheap test: every pattern
// needs one of these words (case-insensitive), so the test never lets a credential through.
const MAY_HOLD_CREDENTIAL = /eyJ|bearer|basic|negotiate|token|secret|assertion|password|client_?id/i;

/** Masks credentials inside free text (messages, error strings, URLs). */
export function scrubText(text: string): string {
  if (text.length < 8 || !MAY_HOLD_CREDENTIAL.test(text)) return text;
  return text
    .replace(JWT, '[REDACTED-JWT]')
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_PAIR, (_m, prefix: string) => `${prefix}${REDACTED}`)
    .replace(CLIENT_ID_PAIR, (_m, prefix: string, id: string) => `${prefix}${redactClientId(id)}`);
}

// "key":"string value" inside a serialised JSON line (escaped quotes allowed in the value)
const JSON_STRING_PAIR = /"([^"\\]{1,64})":"((?:[^"\\]|\\.)*)"/g;

/**
 * Last line of defence on a serialised JSON log line: secret-named keys with string values are
 * replaced, client ids shortened, then scrubText runs over the whole line. Catches what structured
 * scrubbing cannot see (e.g. pino child bindings).
 */
export function scrubJsonLine(line: string): string {
  const keyed = line.replace(JSON_STRING_PAIR, (pair, key: string, value: string) => {
    if (value !== '' && isSecretKey(key)) return `"${key}":"${REDACTED}"`;
    if (isClientIdKey(key) && !value.includes('****')) return `"${key}":"${redactClientId(value)}"`;
    return pair;
  });
  return scrubText(keyed);
}

const MAX_DEPTH = 8;

/**
 * Returns a copy of `value` with secret keys replaced, client ids shortened and every string
 * scrubbed. Errors become plain objects (type, message, stack, code, statusCode, cause). Cycles and
 * excessive depth are cut.
 */
export function scrubValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  return scrubObject(value, depth, seen);
}

function scrubObject(value: object, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Error) return scrubError(value, depth, seen);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1, seen));
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubEntry(key, v, depth, seen);
  return out;
}

function scrubEntry(key: string, v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (isSecretKey(key)) return v === undefined || v === null || v === '' ? v : REDACTED;
  if (isClientIdKey(key) && typeof v === 'string') return redactClientId(v);
  return scrubValue(v, depth + 1, seen);
}

function scrubError(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const extra = err as Error & { code?: unknown; statusCode?: unknown; cause?: unknown };
  const out: Record<string, unknown> = {
    type: err.name,
    message: scrubText(err.message),
    stack: err.stack === undefined ? undefined : scrubText(err.stack),
  };
  if (extra.code !== undefined) out.code = scrubValue(extra.code, depth + 1, seen);
  if (extra.statusCode !== undefined) out.statusCode = extra.statusCode;
  if (extra.cause !== undefined) out.cause = scrubValue(extra.cause, depth + 1, seen);
  return out;
}
