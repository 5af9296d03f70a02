import { ManualClock } from '@pod-identity/platform';
import { canonicalIp } from './ip';
import type { Grant } from './model';
import { PodIndex } from './pod-index';
import { POD_IP_INDEX, podIpIndex, type PodRecord } from './views';
import { MemoryView } from '../testing/memory-view';
import { type GrantSource, Resolver } from './resolver';
import { ChangeSignal } from '../util/change-signal';

const pods = (): MemoryView<PodRecord> => new MemoryView<PodRecord>({ [POD_IP_INDEX]: podIpIndex });
const pod = (name: string, ip: string, phase = 'Running', uid = name): PodRecord => ({
  metadata: { namespace: 'ns', name, uid },
  namespace: 'ns',
  name,
  uid,
  labels: { aadpodidbinding: 'sel' },
  phase,
  ips: [canonicalIp(ip) ?? ip],
  createdAtMs: 0,
});

describe('canonicalIp', () => {
  it.each([
    ['127.0.0.5', '127.0.0.5'],
    ['::ffff:127.0.0.5', '127.0.0.5'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['fd00:0:0:0:0:0:0:1', 'fd00::1'],
    ['FE80::1%eth0', 'fe80::1'],
    ['', undefined],
    ['not-an-ip', undefined],
  ])('%s → %s', (raw, expected) => {
    expect(canonicalIp(raw)).toBe(expected);
  });
});

describe('PodIndex over a view with the IP index', () => {
  it('finds live pods by IP and ignores finished ones', () => {
    const view = pods();
    const index = new PodIndex(view);
    view.upsert(pod('a', '10.0.0.1'));
    view.upsert(pod('old', '10.0.0.2', 'Succeeded'));
    view.upsert(pod('new', '10.0.0.2', 'Pending'));
    expect(index.podsWithIp('10.0.0.1').map((p) => p.name)).toEqual(['a']);
    expect(index.podsWithIp('10.0.0.2').map((p) => p.name)).toEqual(['new']);
  });

  it('follows IP changes and deletions', () => {
    const view = pods();
    const index = new PodIndex(view);
    view.upsert(pod('a', '10.0.0.1'));
    view.upsert(pod('a', '10.0.0.9'));
    expect(index.podsWithIp('10.0.0.1')).toEqual([]);
    view.remove(pod('a', '10.0.0.9'));
    expect(index.podsWithIp('10.0.0.9')).toEqual([]);
    expect(index.size()).toBe(0);
  });
});

describe('Resolver.podForIp', () => {
  const noGrants: GrantSource = { grantsFor: (): Grant[] => [], changed: new ChangeSignal() };
  const policy = { forceNamespaced: true, multipleIdentities: 'first' as const, unprocessedGraceMs: 0 };

  it('waits (bounded) for the informer to learn a new pod', async () => {
    const clock = new ManualClock(0);
    const view = pods();
    const resolver = new Resolver({
      pods: new PodIndex(view),
      grants: noGrants,
      clock,
      policy,
      options: { podLookupWaitMs: 1000, assignmentWaitMs: 0 },
    });
    const found = resolver.podForIp('10.0.0.7');
    await clock.advance(100);
    view.upsert(pod('late', '10.0.0.7'));
    await expect(found).resolves.toMatchObject({ name: 'late' });
  });

  it('refuses an unknown IP after the bound, and two live pods with one IP at once', async () => {
    const clock = new ManualClock(0);
    const view = pods();
    const resolver = new Resolver({
      pods: new PodIndex(view),
      grants: noGrants,
      clock,
      policy,
      options: { podLookupWaitMs: 1000, assignmentWaitMs: 0 },
    });
    const unknown = expect(resolver.podForIp('10.0.0.8')).rejects.toMatchObject({ code: 'caller-unknown' });
    await clock.advance(1001);
    await unknown;
    view.upsert(pod('x', '10.0.0.3', 'Running', 'u1'));
    view.upsert(pod('y', '10.0.0.3', 'Running', 'u2'));
    const both = expect(resolver.podForIp('10.0.0.3')).rejects.toMatchObject({ code: 'caller-ambiguous' });
    await clock.advance(1001);
    await both;
  });
});
