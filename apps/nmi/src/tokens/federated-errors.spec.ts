import { AuthenticationError, AuthenticationRequiredError } from '@azure/identity';
import { renderError } from '../http/error-table';
import { aadstsCode, mapFederatedError } from './federated-errors';

const SUBJECT = 'system:serviceaccount:team-a:reader';
const RENDER = { assignmentRetryAfterSec: 15, setRetryAfterHeader: true };

/** What @azure/identity raises for an Entra error body (msal's server errors arrive as message text). */
function entraError(code: number, status = 400, error = 'invalid_request'): unknown {
  return new AuthenticationError(status, {
    error,
    error_description: `AADSTS${code}: something. Trace ID: t Correlation ID: c Timestamp: 2026-12-05 07:00:00Z`,
    error_codes: [code],
  });
}

function msalServerError(code: number): unknown {
  return new AuthenticationRequiredError({
    scopes: ['https://vault.azure.net/.default'],
    message: `invalid_client: Error(s): ${code} - Timestamp: x - Description: AADSTS${code}: No matching federated identity record found - Correlation ID: c - Trace ID: t`,
  });
}

describe('aadstsCode', () => {
  it('reads error_codes, else the AADSTS number in the description or message', () => {
    expect(aadstsCode(entraError(700213))).toBe(700213);
    expect(aadstsCode(msalServerError(70021))).toBe(70021);
    expect(aadstsCode(new Error('socket hang up'))).toBeUndefined();
    expect(aadstsCode(undefined)).toBeUndefined();
  });
});

describe('mapFederatedError → the IMDS-style answer', () => {
  it.each([70021, 700211, 700212, 700213])(
    'AADSTS%d (no matching federated credential) is final: 403 naming the subject',
    (code) => {
      const mapped = mapFederatedError(msalServerError(code), SUBJECT);
      const rendered = renderError(mapped, RENDER);
      expect(rendered.status).toBe(403);
      expect(rendered.headers['Retry-After']).toBeUndefined();
      expect(JSON.parse(rendered.body)).toEqual({
        error: 'access_denied',
        error_description: expect.stringContaining(`federated token of ${SUBJECT} (AADSTS${code})`),
      });
    },
  );

  it.each([
    [700016, 'client id'],
    [90002, 'tenant'],
    [50013, 'signature'],
  ])('AADSTS%d is final (403): %s', (code, words) => {
    const rendered = renderError(mapFederatedError(entraError(code), SUBJECT), RENDER);
    expect(rendered.status).toBe(403);
    expect(rendered.body).toContain(words);
    expect(rendered.body).toContain(`AADSTS${code}`);
  });

  it.each([700024, 50166])('AADSTS%d is retryable: 503 + Retry-After', (code) => {
    const rendered = renderError(mapFederatedError(entraError(code), SUBJECT), RENDER);
    expect(rendered.status).toBe(503);
    expect(rendered.headers['Retry-After']).toBe('2');
  });

  it('Entra throttling or outage without an AADSTS code stays retryable, a 401 without one stays final', () => {
    expect(renderError(mapFederatedError(new AuthenticationError(429, 'busy'), SUBJECT), RENDER).status).toBe(
      503,
    );
    expect(renderError(mapFederatedError(new AuthenticationError(503, 'down'), SUBJECT), RENDER).status).toBe(
      503,
    );
    expect(renderError(mapFederatedError(new AuthenticationError(401, 'no'), SUBJECT), RENDER).status).toBe(
      403,
    );
  });
});
