// Classifies what ARM (through the SDK) threw, so the caller can decide: wait (throttled), isolate and
// retry without some identities (LinkedAuthorizationFailed, identity not found), retry soon (conflict,
// transient), or report (everything else). The message keeps ARM's own words for the operator.
import { canonicalResourceId } from '@pod-identity/domain';

export type ArmErrorKind =
  | 'throttled'
  | 'linked-authorization'
  | 'identity-invalid'
  | 'resource-not-found'
  | 'conflict'
  | 'transient'
  | 'unauthorized'
  | 'bad-request'
  | 'unknown';

export interface ClassifiedArmError {
  readonly kind: ArmErrorKind;
  readonly statusCode?: number;
  /** ARM's error code, e.g. LinkedAuthorizationFailed. */
  readonly code?: string;
  readonly message: string;
  /** Canonical ids of user-assigned identities the error names (to isolate them). */
  readonly identityIds: readonly string[];
  /** How long ARM asked us to wait (Retry-After), when it said so. */
  readonly retryAfterMs?: number;
}

/** Error thrown by the adapter: the classification plus the original error as cause. */
export class ArmError extends Error {
  override readonly name = 'ArmError';
  constructor(
    readonly classified: ClassifiedArmError,
    options?: { cause?: unknown },
  ) {
    super(classified.message, options);
  }
}

const IDENTITY_ID_PATTERN =
  /\/subscriptions\/[^/\s'",]+\/resourcegroups\/[^/\s'",]+\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/\s'",)]+/gi;

/** Canonical identity ids quoted in an ARM message (LinkedAuthorizationFailed lists them comma-joined). */
export function extractIdentityIds(message: string): string[] {
  const found = message.match(IDENTITY_ID_PATTERN) ?? [];
  return [...new Set(found.map((id) => canonicalResourceId(id.replace(/[.;:]+$/, ''))))];
}

interface ErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { status?: number; headers?: unknown };
  details?: unknown;
}

/** Reads one header from a core-rest-pipeline HttpHeaders or a plain object. */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    const v: unknown = getter.call(headers, name);
    if (typeof v === 'string') return v;
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === name && typeof v === 'string') return v;
  }
  return undefined;
}

/** Retry-After in milliseconds from retry-after-ms, x-ms-retry-after-ms or Retry-After (seconds or a date). */
export function parseRetryAfter(headers: unknown, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const v = Number(readHeader(headers, name));
    if (Number.isFinite(v) && v >= 0 && readHeader(headers, name) !== undefined) return v;
  }
  const raw = readHeader(headers, 'retry-after');
  if (raw === undefined) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface KindRule {
  readonly kind: ArmErrorKind;
  readonly test: (status: number | undefined, code: string, message: string, hasIds: boolean) => boolean;
}

/** First matching rule wins. */
const KIND_RULES: readonly KindRule[] = [
  { kind: 'throttled', test: (s, c) => s === 429 || c === 'toomanyrequests' },
  {
    kind: 'linked-authorization',
    test: (_s, c, m) => c === 'linkedauthorizationfailed' || /linkedauthorizationfailed/i.test(m),
  },
  {
    kind: 'identity-invalid',
    test: (s, c, _m, ids) => ids && (c === 'failedidentityoperation' || s === 400 || s === 404),
  },
  { kind: 'resource-not-found', test: (s) => s === 404 },
  { kind: 'conflict', test: (s) => s === 409 || s === 412 },
  { kind: 'unauthorized', test: (s) => s === 401 || s === 403 },
  { kind: 'transient', test: (s) => s === undefined || s === 0 || s === 408 || s >= 500 },
  { kind: 'bad-request', test: (s) => s === 400 },
];

function kindFor(
  status: number | undefined,
  code: string,
  message: string,
  ids: readonly string[],
): ArmErrorKind {
  const c = code.toLowerCase();
  return KIND_RULES.find((r) => r.test(status, c, message, ids.length > 0))?.kind ?? 'unknown';
}

function describeError(err: unknown): {
  statusCode?: number;
  code: string;
  message: string;
  headers: unknown;
} {
  const e = (err && typeof err === 'object' ? err : {}) as ErrorLike;
  return {
    statusCode: e.statusCode ?? e.response?.status,
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' && e.message !== '' ? e.message : String(err),
    headers: e.response?.headers,
  };
}

/** Classifies anything the SDK threw. */
export function classifyArmError(err: unknown, now: number = Date.now()): ClassifiedArmError {
  if (err instanceof ArmError) return err.classified;
  const { statusCode, code, message, headers } = describeError(err);
  const ids = extractIdentityIds(message);
  const kind = kindFor(statusCode, code, message, ids);
  const retryAfterMs = parseRetryAfter(headers, now);
  const namesIdentities = kind === 'linked-authorization' || kind === 'identity-invalid';
  return {
    kind,
    statusCode,
    code: code || undefined,
    message,
    identityIds: namesIdentities ? ids : [],
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
