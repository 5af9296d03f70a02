// Property tests (fast-check) for the CRD reading code: validate() and the normalizers on generated
// objects, valid, nearly valid and hostile. No crash, a clear issue list for anything invalid, and no
// echo of a secret-looking value in any message.
import fc from 'fast-check';
import { KINDS } from '../src/generated/constants';
import {
  normalizeAzureIdentity,
  normalizeAzureIdentityBinding,
  normalizeAzurePodIdentityException,
} from '../src/normalize';
import { validate } from '../src/validate';
import type { AzureIdentity, AzureIdentityBinding, AzurePodIdentityException } from '../src';

const SECRET = 'Fuzz-Secret-Value-9876';
const GUID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const RID =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id';

/** Field values: right, wrong type, hostile strings, the secret. */
const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, -1, 1.5, GUID, RID, SECRET, '', ' ', '*', 'a/b', '\u0000', null, true, [], {}),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const FIELDS = [
  'type',
  'Type',
  'resourceID',
  'ResourceID',
  'clientID',
  'ClientID',
  'tenantID',
  'clientPassword',
  'azureIdentity',
  'AzureIdentity',
  'selector',
  'Selector',
  'podLabels',
  'PodLabels',
  'pod',
  'nodename',
  SECRET,
];
const spec = fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 });
const object = fc.record({
  apiVersion: fc.constantFrom('aadpodidentity.k8s.io/v1', 'v1', ''),
  kind: fc.constantFrom(...Object.values(KINDS)),
  metadata: fc.oneof(fc.constant({ name: 'x', namespace: 'ns' }), fc.jsonValue({ maxDepth: 1 })),
  spec: fc.oneof(spec, value),
});

describe('validate (fuzz)', () => {
  it('never throws, and every invalid object gets issues that name a field and say why, without echoing a value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(KINDS)),
        fc.oneof(object, fc.jsonValue({ maxDepth: 3 })),
        (kind, candidate) => {
          const result = validate(kind, candidate);
          if (result.valid) return;
          expect(result.issues.length).toBeGreaterThan(0);
          for (const issue of result.issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.message.trim()).not.toBe('');
            expect(issue.message).not.toContain(SECRET);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('normalizes every object the validator accepts without throwing', () => {
    fc.assert(
      fc.property(object, (candidate) => {
        if (!validate(candidate.kind, candidate).valid) return;
        if (candidate.kind === 'AzureIdentity') normalizeAzureIdentity(candidate as unknown as AzureIdentity);
        if (candidate.kind === 'AzureIdentityBinding')
          normalizeAzureIdentityBinding(candidate as unknown as AzureIdentityBinding);
        if (candidate.kind === 'AzurePodIdentityException')
          normalizeAzurePodIdentityException(candidate as unknown as AzurePodIdentityException);
      }),
      { numRuns: 3000 },
    );
  });
});
