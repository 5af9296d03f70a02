import fc from 'fast-check';
import { idKey } from '../state/arm-id';
import {
  applyIdentityUpdate,
  type CurrentIdentity,
  type IdentityChange,
  isIdentityChange,
} from './identity-update';
import type { ArmFailure } from './errors';

const id = (name: string): string =>
  `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
const current = (system: boolean, ...names: string[]): CurrentIdentity => ({
  system,
  user: new Map(names.map((n) => [idKey(id(n)), id(n)])),
});
const names = (change: IdentityChange): string[] =>
  [...change.user.values()].map((v) => v.split('/').pop() ?? '').sort();

function ok(result: IdentityChange | ArmFailure): IdentityChange {
  if (!isIdentityChange(result)) throw new Error(`expected a change, got ${result.code}: ${result.message}`);
  return result;
}
function err(result: IdentityChange | ArmFailure): ArmFailure {
  if (isIdentityChange(result)) throw new Error('expected a failure');
  return result;
}

describe('applyIdentityUpdate (PATCH)', () => {
  it('adds with {} and keeps what is not mentioned', () => {
    const change = ok(
      applyIdentityUpdate(
        current(false, 'a'),
        { type: 'UserAssigned', userAssignedIdentities: { [id('b')]: {} } },
        'patch',
      ),
    );
    expect(names(change)).toEqual(['a', 'b']);
    expect(change.added).toEqual([id('b')]);
    expect(change.removed).toEqual([]);
  });

  it('removes with null, matching ids case-insensitively', () => {
    const change = ok(
      applyIdentityUpdate(
        current(true, 'a', 'b'),
        { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [id('A').toUpperCase()]: null } },
        'patch',
      ),
    );
    expect(names(change)).toEqual(['b']);
    expect(change.system).toBe(true);
    expect(change.removed).toEqual([id('a')]);
  });

  it('does not duplicate an id given in another case', () => {
    const change = ok(
      applyIdentityUpdate(
        current(false, 'a'),
        { type: 'UserAssigned', userAssignedIdentities: { [id('a').toLowerCase()]: {} } },
        'patch',
      ),
    );
    expect(change.user.size).toBe(1);
    expect(change.added).toEqual([]);
  });

  it('"SystemAssigned" drops every user identity; "None" drops everything', () => {
    const sys = ok(applyIdentityUpdate(current(true, 'a'), { type: 'SystemAssigned' }, 'patch'));
    expect(sys.user.size).toBe(0);
    expect(sys.system).toBe(true);
    const none = ok(applyIdentityUpdate(current(true, 'a'), { type: 'None' }, 'patch'));
    expect(none).toMatchObject({ system: false, removed: [id('a')] });
  });

  it('accepts the type in any case and spacing', () => {
    expect(
      ok(
        applyIdentityUpdate(
          current(false),
          { type: 'systemassigned,userassigned', userAssignedIdentities: { [id('a')]: {} } },
          'patch',
        ),
      ).system,
    ).toBe(true);
  });

  it.each([
    [
      'UserAssigned with nothing left',
      current(false, 'a'),
      { type: 'UserAssigned', userAssignedIdentities: { [id('a')]: null } },
      'MissingIdentityIds',
    ],
    ['a bad type', current(false), { type: 'Both' }, 'InvalidParameter'],
    ['no type', current(false), { userAssignedIdentities: {} }, 'InvalidParameter'],
    [
      'adds with type SystemAssigned',
      current(false),
      { type: 'SystemAssigned', userAssignedIdentities: { [id('a')]: {} } },
      'InvalidParameter',
    ],
    [
      'a key that is not an identity id',
      current(false),
      { type: 'UserAssigned', userAssignedIdentities: { '/subscriptions/s/x': {} } },
      'InvalidParameter',
    ],
    [
      'a value that is not an object',
      current(false),
      { type: 'UserAssigned', userAssignedIdentities: { [id('a')]: 'yes' } },
      'InvalidParameter',
    ],
    ['None mixed with another type', current(false), { type: 'None, SystemAssigned' }, 'InvalidParameter'],
  ])('rejects %s', (_label, cur, body, code) => {
    expect(err(applyIdentityUpdate(cur, body, 'patch')).code).toBe(code);
  });

  it('rejects more than 150 entries in one request with the real message', () => {
    const many = Object.fromEntries(Array.from({ length: 151 }, (_, i) => [id(`i${i}`), {}]));
    const failure = err(
      applyIdentityUpdate(current(false), { type: 'UserAssigned', userAssignedIdentities: many }, 'patch'),
    );
    expect(failure).toMatchObject({ status: 400, code: 'BadRequest' });
    expect(failure.message).toBe(
      "User Assigned Identities Number '151' Assign exceed limit '150' in one request.",
    );
    const exactly = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [id(`i${i}`), {}]));
    expect(
      ok(
        applyIdentityUpdate(
          current(false),
          { type: 'UserAssigned', userAssignedIdentities: exactly },
          'patch',
        ),
      ).user.size,
    ).toBe(150);
  });
});

describe('applyIdentityUpdate (PUT)', () => {
  it('replaces the dictionary', () => {
    const change = ok(
      applyIdentityUpdate(
        current(false, 'a', 'b'),
        { type: 'UserAssigned', userAssignedIdentities: { [id('c')]: {} } },
        'put',
      ),
    );
    expect(names(change)).toEqual(['c']);
    expect(change.removed.sort()).toEqual([id('a'), id('b')]);
  });
});

describe('merge properties', () => {
  const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
  it('PATCH result = (current - nulls) + adds, and applying it twice changes nothing', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name), fc.uniqueArray(name), fc.uniqueArray(name), (have, add, remove) => {
        const removes = remove.filter((r) => !add.includes(r));
        const dict = Object.fromEntries([
          ...add.map((n) => [id(n), {}]),
          ...removes.map((n) => [id(n), null]),
        ]);
        const expected = [...new Set([...have.filter((h) => !removes.includes(h)), ...add])].sort();
        const result = applyIdentityUpdate(
          current(true, ...have),
          { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: dict },
          'patch',
        );
        if (expected.length === 0) {
          expect(err(result).code).toBe('MissingIdentityIds');
          return;
        }
        const first = ok(result);
        expect(names(first)).toEqual(expected);
        const again = ok(
          applyIdentityUpdate(
            { system: true, user: first.user },
            { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: dict },
            'patch',
          ),
        );
        expect(names(again)).toEqual(expected);
        expect(again.added).toEqual([]);
        expect(again.removed).toEqual([]);
      }),
    );
  });
});
