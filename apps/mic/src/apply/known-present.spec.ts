import { KnownPresent } from './known-present';
import type { IdentityOutcome, TargetOutcome } from './target-runner';

function outcome(
  identities: Record<string, IdentityOutcome['state']>,
  result: TargetOutcome['result'] = 'done',
): TargetOutcome {
  const map = new Map<string, IdentityOutcome>();
  for (const [id, state] of Object.entries(identities)) {
    map.set(id, state === 'failed' ? { state, error: { kind: 'transient' } as never } : { state });
  }
  return { result, identities: map, writes: 0 };
}

const ids = (k: KnownPresent, now: number, target = 't1') => [...(k.snapshot(now).get(target) ?? [])].sort();

describe('KnownPresent', () => {
  it('knows what a run found present, forgets what it found absent or failed', () => {
    const k = new KnownPresent(60_000);
    k.observe('t1', outcome({ a: 'present', b: 'present' }), 0);
    expect(ids(k, 1)).toEqual(['a', 'b']);
    k.observe('t1', outcome({ a: 'absent', b: 'failed', c: 'present' }, 'partial'), 10);
    expect(ids(k, 11)).toEqual(['c']);
    expect(k.snapshot(11).has('t2')).toBe(false);
  });

  it('trusts an observation for the TTL only; a new run renews it', () => {
    const k = new KnownPresent(60_000);
    k.observe('t1', outcome({ a: 'present', b: 'present' }), 0);
    k.observe('t1', outcome({ b: 'present' }), 30_000);
    expect(ids(k, 59_999)).toEqual(['a', 'b']);
    expect(ids(k, 60_000)).toEqual(['b']);
    expect(ids(k, 90_000)).toEqual([]);
  });

  it('forgets identities a starting run may remove, and a target whose run failed outright', () => {
    const k = new KnownPresent(60_000);
    k.observe('t1', outcome({ a: 'present', b: 'present' }), 0);
    k.forget('t1', ['a']);
    expect(ids(k, 1)).toEqual(['b']);
    k.observe('t1', outcome({}, 'failed'), 2);
    expect(ids(k, 3)).toEqual([]);
  });
});
