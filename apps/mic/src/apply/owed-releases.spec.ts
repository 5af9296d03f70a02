import type { TargetPlan } from '../plan/model';
import { OwedReleases } from './owed-releases';
import type { IdentityOutcome, TargetOutcome } from './target-runner';

const target = {
  key: 'vmss:s/rg/pool',
  kind: 'vmss',
  subscriptionId: 's',
  resourceGroup: 'rg',
  name: 'pool',
} as unknown as TargetPlan['target'];
const plan = (releasable: string[], needed: string[] = []): TargetPlan => ({
  target,
  needed,
  releasable,
  confirm: [],
  release: [],
  clientIds: new Map(),
});
const outcome = (
  result: TargetOutcome['result'],
  identities: Record<string, IdentityOutcome['state']> = {},
): TargetOutcome => ({
  result,
  writes: 0,
  identities: new Map(
    Object.entries(identities).map(([id, state]) => [
      id,
      (state === 'failed' ? { state, error: {} } : { state }) as IdentityOutcome,
    ]),
  ),
});

describe('OwedReleases', () => {
  it('keeps a removal until a finished run on the target has done it', () => {
    const owed = new OwedReleases();
    owed.observe(plan(['a', 'b']));
    owed.observe(plan([]));
    expect(owed.list().map((o) => o.resourceId)).toEqual(['a', 'b']);
    owed.settled(plan(['a', 'b']), outcome('deferred'));
    owed.settled(plan(['a', 'b']), outcome('failed', { a: 'failed', b: 'failed' }));
    expect(owed.size).toBe(2);
    owed.settled(plan(['a', 'b']), outcome('partial', { a: 'absent', b: 'failed' }));
    expect(owed.list()).toEqual([{ target, resourceId: 'b' }]);
    owed.settled(plan(['b']), outcome('done', { b: 'present' }));
    expect(owed.size).toBe(0);
  });

  it('forgets a removal once the target needs the identity again', () => {
    const owed = new OwedReleases();
    owed.observe(plan(['a']));
    owed.observe(plan([], ['a']));
    expect(owed.list()).toEqual([]);
  });

  it('does not settle what the run was not asked to remove', () => {
    const owed = new OwedReleases();
    owed.observe(plan(['a']));
    owed.settled(plan([]), outcome('done'));
    expect(owed.size).toBe(1);
  });
});
