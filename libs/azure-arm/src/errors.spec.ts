import { classifyArmError, extractIdentityIds, parseRetryAfter } from './errors';

const uai = (n: string) =>
  `/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;

function restError(statusCode: number, code: string, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { statusCode, code, response: { status: statusCode, headers } });
}

describe('classifyArmError', () => {
  it('names the identities of a LinkedAuthorizationFailed', () => {
    const msg =
      "The client 'x' with object id 'y' has permission to perform action 'Microsoft.Compute/virtualMachineScaleSets/write' on scope 'z'; " +
      `however, it does not have permission to perform action 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action' on the linked scope(s) '${uai('A')},${uai('b')}' or the linked scope(s) are invalid.`;
    const c = classifyArmError(restError(403, 'LinkedAuthorizationFailed', msg));
    expect(c.kind).toBe('linked-authorization');
    expect(c.identityIds).toEqual([uai('a').toLowerCase(), uai('b').toLowerCase()]);
  });

  it('reads Retry-After on a 429', () => {
    const c = classifyArmError(restError(429, 'OperationNotAllowed', 'too many', { 'retry-after': '7' }));
    expect(c).toMatchObject({ kind: 'throttled', retryAfterMs: 7000 });
  });

  it.each([
    [404, 'ResourceNotFound', 'The Resource vmss was not found.', 'resource-not-found'],
    [404, 'NotFound', `identity ${uai('gone')} not found`, 'identity-invalid'],
    [
      400,
      'FailedIdentityOperation',
      `Identity operation for resource ${uai('x')} failed`,
      'identity-invalid',
    ],
    [409, 'Conflict', 'conflict with a concurrent request', 'conflict'],
    [503, 'ServiceUnavailable', 'busy', 'transient'],
    [401, 'InvalidAuthenticationToken', 'bad token', 'unauthorized'],
    [400, 'BadRequest', 'User Assigned Identities Number exceed limit', 'bad-request'],
  ])('%d %s → %s', (status, code, message, kind) => {
    expect(classifyArmError(restError(status, code, message)).kind).toBe(kind);
  });

  it('treats network failures without a status as transient', () => {
    expect(classifyArmError(new Error('ECONNREFUSED')).kind).toBe('transient');
  });

  it('parses every Retry-After form', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250' })).toBe(250);
    expect(parseRetryAfter({ 'x-ms-retry-after-ms': '10' })).toBe(10);
    expect(parseRetryAfter({ 'Retry-After': '2' })).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': new Date(61_000).toUTCString() }, 1_000)).toBe(60_000);
    expect(parseRetryAfter({ get: (n: string) => (n === 'retry-after' ? '1' : undefined) })).toBe(1000);
    expect(parseRetryAfter({})).toBeUndefined();
  });

  it('extracts ids without trailing punctuation, de-duplicated', () => {
    expect(extractIdentityIds(`'${uai('a')}'. and ${uai('A')}.`)).toEqual([uai('a').toLowerCase()]);
  });
});
