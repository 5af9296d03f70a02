import { NmiError, type NmiErrorCode } from '../errors';
import { ERROR_TABLE, renderError } from './error-table';

const opts = { assignmentRetryAfterSec: 15, setRetryAfterHeader: true };

describe('error table', () => {
  it.each<[NmiErrorCode, number, string | undefined]>([
    ['metadata-header-missing', 400, undefined],
    ['forwarded-request', 400, undefined],
    ['invalid-path', 400, undefined],
    ['missing-resource', 400, undefined],
    ['bad-query', 400, undefined],
    ['caller-address-missing', 500, undefined],
    ['caller-unknown', 503, '2'],
    ['caller-ambiguous', 503, '2'],
    ['identity-not-found', 400, undefined],
    ['identity-ambiguous', 400, undefined],
    ['assignment-pending', 503, '15'],
    ['upstream-busy', 429, '1'],
    ['upstream-unavailable', 503, '2'],
    ['upstream-rejected', 403, undefined],
    ['credential-unavailable', 503, '5'],
    ['instance-metadata-blocked', 403, undefined],
    ['host-token-disabled', 404, undefined],
    ['host-token-unauthenticated', 401, undefined],
    ['host-token-forbidden', 403, undefined],
    ['internal', 500, undefined],
  ])('%s → %d (Retry-After %s)', (code, status, retryAfter) => {
    const r = renderError(new NmiError(code, 'msg'), opts);
    expect(r.status).toBe(status);
    expect(r.headers['Retry-After']).toBe(retryAfter);
    expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(r.body)).toEqual({ error: ERROR_TABLE[code].error, error_description: 'msg' });
  });

  it('writes the exact IMDS body for a missing Metadata header', () => {
    const r = renderError(
      new NmiError('metadata-header-missing', 'Required metadata header not specified'),
      opts,
    );
    expect(r.body).toBe(
      '{"error":"invalid_request","error_description":"Required metadata header not specified"}\n',
    );
  });

  it('hides unknown errors behind a generic 500', () => {
    const r = renderError(new Error('secret=hunter2'), opts);
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('hunter2');
  });

  it('can answer pending assignments without Retry-After (original default)', () => {
    const r = renderError(new NmiError('assignment-pending', 'x'), { ...opts, setRetryAfterHeader: false });
    expect(r.status).toBe(503);
    expect(r.headers['Retry-After']).toBeUndefined();
  });

  it('has a row for every code', () => {
    for (const row of Object.values(ERROR_TABLE)) expect(row.status).toBeGreaterThanOrEqual(400);
  });
});
