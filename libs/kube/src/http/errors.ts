// Kubernetes API failures as one recognisable error type, plus predicates that also understand
// client-node's ApiException (code) and watch errors (statusCode).

/** The apiserver's Status object (kind: Status) as it arrives in error bodies and watch ERROR events. */
export interface KubeStatus {
  readonly kind?: string;
  readonly status?: string;
  readonly message?: string;
  readonly reason?: string;
  readonly code?: number;
  readonly details?: { readonly name?: string; readonly kind?: string; readonly retryAfterSeconds?: number };
}

export class KubeApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: string,
    message: string,
    readonly status?: KubeStatus,
    /** e.g. "GET /api/v1/pods" (no query, no headers) */
    readonly operation?: string,
  ) {
    super(`${operation ? `${operation}: ` : ''}${statusCode} ${reason}: ${message}`);
    this.name = 'KubeApiError';
  }

  /** Builds the error from a response status and its (possibly non-JSON) body. */
  static fromResponse(statusCode: number, body: string, operation?: string): KubeApiError {
    let status: KubeStatus | undefined;
    try {
      const parsed = JSON.parse(body) as KubeStatus;
      if (parsed && typeof parsed === 'object') status = parsed;
    } catch {
      status = undefined;
    }
    const message = status?.message ?? (body.slice(0, 200) || 'no body');
    return new KubeApiError(
      statusCode,
      status?.reason ?? defaultReason(statusCode),
      message,
      status,
      operation,
    );
  }
}

/** A request that did not complete: timeout, connection refused/reset, aborted. */
export class KubeTransportError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeTransportError';
  }
}

function defaultReason(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? 'Unknown';
}

/** HTTP status of a Kubernetes failure from our client, client-node's generated APIs or its Watch. */
export function statusCodeOf(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; code?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

function reasonOf(err: unknown): string | undefined {
  if (err instanceof KubeApiError) return err.reason;
  const body = (err as { body?: unknown } | null)?.body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as KubeStatus).reason;
    } catch {
      return undefined;
    }
  }
  return (body as KubeStatus | undefined)?.reason;
}

export function isNotFound(err: unknown): boolean {
  return statusCodeOf(err) === 404;
}

/** 409: a stale resourceVersion (optimistic concurrency) or an object that already exists. */
export function isConflict(err: unknown): boolean {
  return statusCodeOf(err) === 409;
}

/** 409 with reason AlreadyExists (a create that lost). */
export function isAlreadyExists(err: unknown): boolean {
  return isConflict(err) && reasonOf(err) === 'AlreadyExists';
}

/** 410: the resourceVersion is too old; re-list. */
export function isGone(err: unknown): boolean {
  return statusCodeOf(err) === 410;
}

export function isForbidden(err: unknown): boolean {
  return statusCodeOf(err) === 403;
}

/** Worth retrying later: 429, 5xx, or a transport failure. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof KubeTransportError) return true;
  const code = statusCodeOf(err);
  return code === 429 || (code !== undefined && code >= 500);
}
