// THE error table: domain error code → HTTP status, OAuth `error` value and Retry-After. Bodies have the
// IMDS/OAuth shape {"error":…,"error_description":…} (application/json; charset=utf-8) so SDKs parse
// them; the status codes are chosen for how the Azure SDKs retry (see README "Status codes").
import { isNmiError, type NmiErrorCode } from '../errors';

type RetryAfter = 'assignment' | number | undefined;

interface Row {
  readonly status: number;
  readonly error: string;
  readonly retryAfter?: RetryAfter;
}

export const ERROR_TABLE: Readonly<Record<NmiErrorCode, Row>> = {
  'metadata-header-missing': { status: 400, error: 'invalid_request' },
  'forwarded-request': { status: 400, error: 'invalid_request' },
  'invalid-path': { status: 400, error: 'invalid_request' },
  'method-not-allowed': { status: 405, error: 'invalid_request' },
  'missing-resource': { status: 400, error: 'invalid_request' },
  'bad-query': { status: 400, error: 'invalid_request' },
  'caller-address-missing': { status: 500, error: 'server_error' },
  'caller-unknown': { status: 503, error: 'temporarily_unavailable', retryAfter: 2 },
  'caller-ambiguous': { status: 503, error: 'temporarily_unavailable', retryAfter: 2 },
  'identity-not-found': { status: 400, error: 'invalid_request' },
  'identity-ambiguous': { status: 400, error: 'invalid_request' },
  'assignment-pending': { status: 503, error: 'temporarily_unavailable', retryAfter: 'assignment' },
  'upstream-busy': { status: 429, error: 'too_many_requests', retryAfter: 1 },
  'upstream-unavailable': { status: 503, error: 'temporarily_unavailable', retryAfter: 2 },
  'upstream-rejected': { status: 403, error: 'access_denied' },
  'credential-unavailable': { status: 503, error: 'temporarily_unavailable', retryAfter: 5 },
  'instance-metadata-blocked': { status: 403, error: 'forbidden' },
  'host-token-disabled': { status: 404, error: 'not_found' },
  'host-token-unauthenticated': { status: 401, error: 'unauthorized' },
  'host-token-forbidden': { status: 403, error: 'forbidden' },
  'host-token-bad-request': { status: 400, error: 'invalid_request' },
  'shutting-down': { status: 503, error: 'temporarily_unavailable', retryAfter: 1 },
  internal: { status: 500, error: 'server_error' },
};

export interface ErrorRenderOptions {
  /** Retry-After for a pending assignment (seconds). */
  readonly assignmentRetryAfterSec: number;
  /** false: answer pending assignments with 503 but without Retry-After (original --set-retry-after-header=false). */
  readonly setRetryAfterHeader: boolean;
}

export interface RenderedError {
  readonly code: NmiErrorCode;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** Any thrown value → the response to send. Unknown errors become a generic 500 (no internals leak). */
export function renderError(err: unknown, options: ErrorRenderOptions): RenderedError {
  const code: NmiErrorCode = isNmiError(err) ? err.code : 'internal';
  const description = isNmiError(err) ? err.message : 'internal error';
  const row = ERROR_TABLE[code];
  const headers: Record<string, string> = { 'Content-Type': JSON_TYPE };
  const retryAfter = retryAfterSeconds(row.retryAfter, options);
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  const body = `${JSON.stringify({ error: row.error, error_description: description })}\n`;
  return { code, status: row.status, headers, body };
}

function retryAfterSeconds(value: RetryAfter, options: ErrorRenderOptions): number | undefined {
  if (value === 'assignment')
    return options.setRetryAfterHeader ? options.assignmentRetryAfterSec : undefined;
  return value;
}
