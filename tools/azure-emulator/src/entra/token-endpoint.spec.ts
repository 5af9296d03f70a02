// Entra ID handlers without sockets: grants, scopes, AADSTS error shapes.
import { type TestCore, testCore, request, T_TENANT } from '../testing/core';
import type { EmuResponse } from '../http/types';
import { entraRouter } from './routes';
import { requestedAudience } from './token-endpoint';

let core: TestCore;
beforeEach(async () => {
  core = await testCore();
});

function post(path: string, form: Record<string, string>): Promise<EmuResponse> {
  const req = request({
    service: 'entra',
    method: 'POST',
    path,
    body: Buffer.from(new URLSearchParams(form).toString()),
  });
  return Promise.resolve(entraRouter(core)(req).handle());
}

const good = {
  client_id: 'sp',
  client_secret: 's3cret',
  grant_type: 'client_credentials',
  scope: 'https://management.azure.com/.default',
  'x-client-SKU': 'msal.js.node',
};

describe('token endpoint', () => {
  it('issues v2 (numbers) and v1 (strings, echoed resource) responses', async () => {
    const v2 = await post(`/${T_TENANT}/oauth2/v2.0/token`, good);
    expect(v2.json).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    const { scope: _scope, ...v1form } = good;
    const v1 = await post(`/${T_TENANT}/oauth2/token`, {
      ...v1form,
      resource: 'https://management.core.windows.net/',
    });
    expect(v1.json).toMatchObject({ expires_in: '3599', resource: 'https://management.core.windows.net/' });
  });

  it('shapes errors like Entra: error, AADSTS description, codes, ids', async () => {
    const res = await post(`/${T_TENANT}/oauth2/v2.0/token?client-request-id=corr-1`, {
      ...good,
      client_secret: 'no',
    });
    expect(res.status).toBe(401);
    const body = res.json as Record<string, unknown>;
    expect(body).toMatchObject({ error: 'invalid_client', error_codes: [7000215], correlation_id: 'corr-1' });
    expect(String(body.error_description)).toMatch(
      /^AADSTS7000215: .* Trace ID: .* Correlation ID: corr-1 Timestamp: /,
    );
  });

  it.each([
    [{ ...good, grant_type: 'password' }, 'unsupported_grant_type'],
    [{ ...good, client_id: '' }, 'invalid_request'],
    [{ ...good, scope: 'https://management.azure.com/user_impersonation' }, 'invalid_scope'],
    [{ ...good, client_id: 'who' }, 'unauthorized_client'],
    [{ ...good, client_secret: undefined as unknown as string }, 'invalid_client'],
    [
      { ...good, client_secret: '', client_assertion_type: 'urn:x', client_assertion: 'a.b.c' },
      'invalid_request',
    ],
  ])('rejects %j with %s', async (form, error) => {
    const clean = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined && v !== ''));
    const res = await post(`/${T_TENANT}/oauth2/v2.0/token`, clean);
    expect((res.json as { error: string }).error).toBe(error);
  });

  it('answers an unknown tenant with AADSTS90002', async () => {
    const res = await post('/nope/oauth2/v2.0/token', good);
    expect(res.json).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
  });

  it('derives the audience from scope or resource', () => {
    expect(requestedAudience(new URLSearchParams('scope=https://x/.default offline_access'), 'v2')).toBe(
      'https://x/',
    );
    expect(
      requestedAudience(new URLSearchParams('scope=https://x/.default https://y/.default'), 'v2'),
    ).toMatchObject({ code: 70011 });
    expect(requestedAudience(new URLSearchParams('resource=https://x'), 'v1')).toBe('https://x');
  });
});

describe('discovery', () => {
  it('puts every endpoint on the caller origin and answers the four keys msal needs', async () => {
    const req = request({
      service: 'entra',
      path: `/${T_TENANT}/v2.0/.well-known/openid-configuration`,
      origin: 'https://localhost:9',
    });
    const doc = (await entraRouter(core)(req).handle()).json as Record<string, string>;
    for (const key of ['authorization_endpoint', 'token_endpoint', 'issuer', 'jwks_uri']) {
      expect(doc[key].startsWith(`https://localhost:9/${T_TENANT}/`)).toBe(true);
    }
    const keys = await entraRouter(core)(
      request({ service: 'entra', path: `/${T_TENANT}/discovery/v2.0/keys` }),
    ).handle();
    expect((keys.json as { keys: { kid: string }[] }).keys[0].kid).toBe(core.signer.kid);
  });
});
