import { BROKEN_EXAMPLES, VALID_EXAMPLES } from '../test/examples';
import { GO_CLIENT_EXAMPLES } from '../test/go-client-examples';
import { assertValid, CrdValidationError, validate } from './validate';

describe('validate', () => {
  it.each(VALID_EXAMPLES.map((e) => [e.name, e]))('accepts %s', (_name, example) => {
    expect(validate(example.kind, example.object)).toEqual({ valid: true, issues: [] });
  });

  it.each(GO_CLIENT_EXAMPLES.map((e) => [e.name, e]))(
    'accepts what the original Go types write: %s',
    (_name, example) => {
      expect(validate(example.kind, example.object)).toEqual({ valid: true, issues: [] });
    },
  );

  it.each(BROKEN_EXAMPLES.map((e) => [e.name, e]))('rejects %s, naming the field', (_name, example) => {
    const result = validate(example.kind, example.object);
    expect(result.valid).toBe(false);
    expect(result.issues).toContainEqual({
      path: example.path,
      message: expect.stringContaining(example.message),
    });
  });

  it('reports a missing spec at the top level', () => {
    expect(
      validate('AzureIdentity', { apiVersion: 'aadpodidentity.k8s.io/v1', kind: 'AzureIdentity' }),
    ).toEqual({
      valid: false,
      issues: [{ path: 'spec', message: 'is required' }],
    });
  });

  it('rejects values that are not objects without throwing', () => {
    for (const bad of [null, 42, 'x', [], undefined]) {
      expect(validate('AzureIdentityBinding', bad).valid).toBe(false);
    }
  });

  it('assertValid throws an error that lists every bad field', () => {
    const broken = { spec: { type: 1, clientID: 'nope' } };
    expect(() => assertValid('AzureIdentity', broken)).toThrow(CrdValidationError);
    expect(() => assertValid('AzureIdentity', broken)).toThrow(
      /spec\.clientID: must be the identity's client id/,
    );
    expect(() => assertValid('AzureIdentity', broken)).toThrow(/spec: spec\.tenantID is required/);
  });
});
