import {
  applyDelta,
  buildIdentityPatch,
  chunkDelta,
  effectiveDelta,
  MAX_IDENTITIES_PER_REQUEST,
  toIdentityState,
} from './identity-patch';

const id = (n: string | number) =>
  `/subscriptions/s/resourcegroups/rg/providers/microsoft.managedidentity/userassignedidentities/${n}`;
const state = (type: string | undefined, ids: string[]) =>
  toIdentityState(
    type === undefined
      ? undefined
      : { type, userAssignedIdentities: Object.fromEntries(ids.map((i) => [i, { clientId: 'c' }])) },
  );

describe('identity PATCH computation', () => {
  it('reads ids case-insensitively and the type in any spelling', () => {
    const s = toIdentityState({
      type: 'systemassigned,userassigned',
      userAssignedIdentities: { [id('A').toUpperCase()]: {} },
    });
    expect(s.type).toBe('SystemAssigned, UserAssigned');
    expect([...s.userAssigned.keys()]).toEqual([id('a')]);
    expect(toIdentityState(undefined).type).toBe('None');
  });

  it.each([
    [
      'no identity, add one',
      undefined,
      [],
      [id(1)],
      [],
      { type: 'UserAssigned', userAssignedIdentities: { [id(1)]: {} } },
    ],
    [
      'system only, add one',
      'SystemAssigned',
      [],
      [id(1)],
      [],
      { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [id(1)]: {} } },
    ],
    [
      'remove one of two',
      'UserAssigned',
      [id(1), id(2)],
      [],
      [id(2)],
      { type: 'UserAssigned', userAssignedIdentities: { [id(2)]: null } },
    ],
    [
      'remove the last, keep system',
      'SystemAssigned, UserAssigned',
      [id(1)],
      [],
      [id(1)],
      { type: 'SystemAssigned' },
    ],
    ['remove the last user identity', 'UserAssigned', [id(1)], [], [id(1)], { type: 'None' }],
    [
      'add and remove at once',
      'UserAssigned',
      [id(1)],
      [id(2)],
      [id(1)],
      { type: 'UserAssigned', userAssignedIdentities: { [id(2)]: {}, [id(1)]: null } },
    ],
  ])('%s', (_name, type, present, add, remove, expected) => {
    expect(buildIdentityPatch(state(type, present), { add, remove })).toEqual(expected);
  });

  it('sends nothing when every id is already as wanted', () => {
    const s = state('UserAssigned', [id(1)]);
    expect(buildIdentityPatch(s, { add: [id(1).toUpperCase()], remove: [id(9)] })).toBeUndefined();
    expect(effectiveDelta(s, { add: [id(1), id(2), id(2)], remove: [id(1)] })).toEqual({
      add: [id(2)],
      remove: [id(1)],
    });
  });

  it('splits into requests of at most 150 entries, adds first', () => {
    const add = Array.from({ length: 320 }, (_, i) => id(i));
    const chunks = chunkDelta({ add, remove: [id('x')] });
    expect(chunks.map((c) => c.add.length + c.remove.length)).toEqual([
      MAX_IDENTITIES_PER_REQUEST,
      MAX_IDENTITIES_PER_REQUEST,
      21,
    ]);
    expect(chunks[2]?.remove).toEqual([id('x')]);
  });

  it('predicts the state after a PATCH', () => {
    const after = applyDelta(state('SystemAssigned', []), { add: [id(1)], remove: [] });
    expect(after.type).toBe('SystemAssigned, UserAssigned');
    expect(after.userAssigned.has(id(1))).toBe(true);
    expect(applyDelta(after, { add: [], remove: [id(1)] }).type).toBe('SystemAssigned');
  });
});
