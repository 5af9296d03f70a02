// Every failure NMI reports to a caller is an NmiError with a code; http/error-table.ts is the one
// place that turns a code into a status, headers and an IMDS-style body. Messages are shown to the
// caller: they must never contain a token, a secret or an unredacted client id of another pod.

export type NmiErrorCode =
  | 'metadata-header-missing'
  | 'forwarded-request'
  | 'invalid-path'
  | 'method-not-allowed'
  | 'missing-resource'
  | 'bad-query'
  | 'caller-address-missing'
  | 'caller-unknown'
  | 'caller-ambiguous'
  | 'identity-not-found'
  | 'identity-ambiguous'
  | 'assignment-pending'
  | 'upstream-busy'
  | 'upstream-unavailable'
  | 'upstream-rejected'
  | 'credential-unavailable'
  | 'instance-metadata-blocked'
  | 'host-token-disabled'
  | 'host-token-unauthenticated'
  | 'host-token-forbidden'
  | 'host-token-bad-request'
  | 'shutting-down'
  | 'internal';

export interface NmiErrorDetail {
  /** For upstream-rejected: the status and OAuth error the upstream answered. */
  readonly upstreamStatus?: number;
  readonly upstreamError?: string;
}

export class NmiError extends Error {
  constructor(
    readonly code: NmiErrorCode,
    message: string,
    readonly detail: NmiErrorDetail = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NmiError';
  }
}

export function isNmiError(err: unknown): err is NmiError {
  return err instanceof NmiError;
}
