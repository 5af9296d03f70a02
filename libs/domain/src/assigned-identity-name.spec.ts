import {
  chooseAssignedIdentityName,
  hashedAssignedIdentityName,
  isValidObjectName,
  legacyAssignedIdentityName,
  MAX_OBJECT_NAME_LENGTH,
  type AssignmentKey,
} from './assigned-identity-name';

const key = (
  podName: string,
  podNamespace: string,
  identityName: string,
  identityNamespace = podNamespace,
): AssignmentKey => ({
  podName,
  podNamespace,
  identityName,
  identityNamespace,
});

describe('assigned identity names', () => {
  it('keeps the original <pod>-<namespace>-<identity> shape when it fits', () => {
    expect(chooseAssignedIdentityName(key('web-1', 'shop', 'reader'), () => false)).toBe('web-1-shop-reader');
    expect(legacyAssignedIdentityName(key('a', 'b', 'c'))).toBe('a-b-c');
  });

  it('falls back to a hashed, valid name when the original is too long', () => {
    const long = key('p'.repeat(200), 'n'.repeat(60), 'identity');
    const name = chooseAssignedIdentityName(long, () => false);
    expect(name.length).toBeLessThanOrEqual(MAX_OBJECT_NAME_LENGTH);
    expect(isValidObjectName(name)).toBe(true);
    expect(name).toBe(chooseAssignedIdentityName(long, () => false));
  });

  it('gives colliding keys distinct names: the second one is hashed', () => {
    const first = key('a-b', 'c', 'd');
    const second = key('a', 'b-c', 'd');
    const taken = new Set<string>();
    const n1 = chooseAssignedIdentityName(first, (n) => taken.has(n));
    taken.add(n1);
    const n2 = chooseAssignedIdentityName(second, (n) => taken.has(n));
    expect(n1).toBe('a-b-c-d');
    expect(n2).not.toBe(n1);
    expect(n2.startsWith('a-b-c-d-')).toBe(true);
  });

  it('separates the same identity name from two namespaces', () => {
    const a = key('pod', 'ns', 'id', 'team-a');
    const b = key('pod', 'ns', 'id', 'team-b');
    expect(hashedAssignedIdentityName(a)).not.toBe(hashedAssignedIdentityName(b));
  });

  it('keeps looking when even the hashed name is taken', () => {
    const k = key('x', 'y', 'z');
    const blocked = new Set(['x-y-z', hashedAssignedIdentityName(k, 0)]);
    expect(chooseAssignedIdentityName(k, (n) => blocked.has(n))).toBe(hashedAssignedIdentityName(k, 1));
  });

  it.each([
    ['ok-name', true],
    ['a.b-c', true],
    ['Upper', false],
    ['-lead', false],
    ['trail-', false],
    ['', false],
  ])('isValidObjectName(%s) = %s', (name, valid) => expect(isValidObjectName(name)).toBe(valid));
});
