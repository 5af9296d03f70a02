import {
  isAlreadyExists,
  isConflict,
  isGone,
  isNotFound,
  isRetryable,
  KubeApiError,
  KubeTransportError,
  statusCodeOf,
} from './errors';

describe('Kubernetes error predicates', () => {
  it('parse a Status body', () => {
    const err = KubeApiError.fromResponse(
      409,
      JSON.stringify({ kind: 'Status', reason: 'AlreadyExists', message: 'x exists', code: 409 }),
      'POST /apis/x',
    );
    expect(err).toMatchObject({ statusCode: 409, reason: 'AlreadyExists' });
    expect(err.message).toBe('POST /apis/x: 409 AlreadyExists: x exists');
    expect(isConflict(err)).toBe(true);
    expect(isAlreadyExists(err)).toBe(true);
  });

  it('handle a non-JSON body', () => {
    const err = KubeApiError.fromResponse(404, 'page not found');
    expect(err.reason).toBe('NotFound');
    expect(isNotFound(err)).toBe(true);
  });

  it("understand client-node's ApiException (code, string body) and watch errors (statusCode)", () => {
    const apiException = { code: 409, body: JSON.stringify({ reason: 'Conflict' }) };
    expect(isConflict(apiException)).toBe(true);
    expect(isAlreadyExists(apiException)).toBe(false);
    expect(isAlreadyExists({ code: 409, body: { reason: 'AlreadyExists' } })).toBe(true);
    expect(isGone(Object.assign(new Error('Gone'), { statusCode: 410 }))).toBe(true);
    expect(statusCodeOf('nope')).toBeUndefined();
    expect(statusCodeOf({ code: 'ECONNREFUSED' })).toBeUndefined();
  });

  it.each([
    [new KubeTransportError('reset'), true],
    [new KubeApiError(429, 'TooManyRequests', 'slow down'), true],
    [new KubeApiError(503, 'ServiceUnavailable', 'x'), true],
    [new KubeApiError(409, 'Conflict', 'x'), false],
    [new Error('plain'), false],
  ])('isRetryable(%s) = %s', (err, retryable) => {
    expect(isRetryable(err)).toBe(retryable);
  });
});
