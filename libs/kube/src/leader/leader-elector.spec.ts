import { flushMicrotasks, ManualClock } from '@pod-identity/platform';
import { KubeApiError } from '../http/errors';
import { LeaderElector, type LeaderElectorOptions } from './leader-elector';
import type { Lease, LeaseSpec, LeaseStore } from './lease-store';

/** One Lease in memory with optimistic concurrency, shared by several electors. */
class MemoryLease {
  lease: Lease | undefined;
  private rv = 1;
  down = false;
  writes = 0;

  storeFor(): LeaseStore {
    const check = (): void => {
      if (this.down) throw new KubeApiError(503, 'ServiceUnavailable', 'down');
    };
    return {
      namespace: 'ns',
      name: 'lock',
      get: async () => {
        check();
        return this.lease && structuredClone(this.lease);
      },
      create: async (spec: LeaseSpec) => {
        check();
        if (this.lease) throw new KubeApiError(409, 'AlreadyExists', 'exists');
        return this.save(spec);
      },
      update: async (resourceVersion: string, spec: LeaseSpec) => {
        check();
        if (!this.lease) throw new KubeApiError(404, 'NotFound', 'gone');
        if (resourceVersion !== this.lease.metadata.resourceVersion)
          throw new KubeApiError(409, 'Conflict', 'stale');
        return this.save(spec);
      },
    };
  }

  private save(spec: LeaseSpec): Lease {
    this.writes++;
    this.lease = {
      metadata: { name: 'lock', namespace: 'ns', resourceVersion: String(++this.rv) },
      spec: { ...spec },
    };
    return structuredClone(this.lease);
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await flushMicrotasks();
};

function elector(
  memory: MemoryLease,
  clock: ManualClock,
  identity: string,
  log: string[],
  extra: Partial<LeaderElectorOptions> = {},
) {
  return new LeaderElector({
    store: memory.storeFor(),
    identity,
    clock,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    onStartedLeading: (signal) => {
      log.push(`${identity}:start`);
      signal.addEventListener('abort', () => log.push(`${identity}:signal-aborted`));
    },
    onStoppedLeading: () => log.push(`${identity}:stop`),
    ...extra,
  });
}

describe('LeaderElector', () => {
  it('validates its timing', () => {
    const memory = new MemoryLease();
    const clock = new ManualClock();
    expect(() => elector(memory, clock, 'a', [], { renewDeadlineMs: 20_000 })).toThrow(/leaseDuration/);
    expect(() => elector(memory, clock, 'a', [], { retryPeriodMs: 10_000 })).toThrow(/renewDeadline/);
  });

  it('creates the Lease when missing and leads', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(1_700_000_000_000);
    const log: string[] = [];
    const a = elector(memory, clock, 'a', log);
    a.start();
    await settle();
    expect(a.isLeader()).toBe(true);
    expect(log).toEqual(['a:start']);
    expect(memory.lease?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(memory.lease?.spec?.renewTime).toBe('2023-11-14T22:13:20.000000Z');
    await a.stop();
  });

  it('renews every retry period, keeping acquireTime and transitions', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const a = elector(memory, clock, 'a', []);
    a.start();
    await settle();
    const acquired = memory.lease?.spec?.acquireTime;
    await clock.advance(2000);
    await settle();
    expect(memory.lease?.spec?.renewTime).toBe('1970-01-01T00:00:02.000000Z');
    expect(memory.lease?.spec?.acquireTime).toBe(acquired);
    expect(memory.lease?.spec?.leaseTransitions).toBe(0);
    await a.stop();
  });

  it('a standby waits while the leader renews, and takes over at once after a release', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const log: string[] = [];
    const a = elector(memory, clock, 'a', log);
    const b = elector(memory, clock, 'b', log);
    a.start();
    await settle();
    b.start();
    for (let i = 0; i < 20; i++) await clock.advance(2000);
    expect(b.isLeader()).toBe(false);
    await a.stop();
    expect(memory.lease?.spec?.holderIdentity).toBeNull();
    await clock.advance(2000);
    await settle();
    expect(b.isLeader()).toBe(true);
    expect(memory.lease?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(log).toEqual(['a:start', 'a:signal-aborted', 'a:stop', 'b:start']);
    await b.stop();
  });

  it('a standby takes over a dead leader only after the lease duration by its own clock', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const log: string[] = [];
    const a = elector(memory, clock, 'a', log);
    a.start();
    await settle();
    await a.stop({ release: false }); // the process died: nobody releases
    const b = elector(memory, clock, 'b', log);
    b.start();
    await settle();
    await clock.advance(14_000);
    await settle();
    expect(b.isLeader()).toBe(false);
    await clock.advance(2000);
    await settle();
    expect(b.isLeader()).toBe(true);
    await b.stop();
  });

  it('steps down when it cannot renew within the renew deadline, then campaigns again', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const log: string[] = [];
    const a = elector(memory, clock, 'a', log);
    a.start();
    await settle();
    memory.down = true;
    for (let i = 0; i < 4; i++) await clock.advance(2000);
    expect(a.isLeader()).toBe(true);
    await clock.advance(2000);
    await settle();
    expect(a.isLeader()).toBe(false);
    expect(log).toEqual(['a:start', 'a:signal-aborted', 'a:stop']);
    memory.down = false;
    await clock.advance(2000);
    await settle();
    expect(a.isLeader()).toBe(true);
    await a.stop();
  });

  it('steps down at once when it sees another holder', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const log: string[] = [];
    const a = elector(memory, clock, 'a', log);
    a.start();
    await settle();
    const taken = memory.lease as Lease;
    memory.lease = { ...taken, spec: { ...taken.spec, holderIdentity: 'intruder', renewTime: 'x' } };
    await clock.advance(2000);
    await settle();
    expect(a.isLeader()).toBe(false);
    expect(log).toContain('a:stop');
    await a.stop();
    expect(memory.lease?.spec?.holderIdentity).toBe('intruder');
  });

  it('waits for async leader work to finish before reporting stopped, and reports new leaders', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const order: string[] = [];
    const leaders: Array<string | undefined> = [];
    const a = elector(memory, clock, 'a', [], {
      onStartedLeading: async (signal) => {
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
        await flushMicrotasks();
        order.push('work-done');
      },
      onStoppedLeading: () => order.push('stopped'),
      onNewLeader: (id) => leaders.push(id),
    });
    a.start();
    await settle();
    await a.stop();
    expect(order).toEqual(['work-done', 'stopped']);
    expect(leaders).toEqual(['a', undefined]);
  });

  it('stop() leaves no sleeping timers and is idempotent', async () => {
    const memory = new MemoryLease();
    const clock = new ManualClock(0);
    const a = elector(memory, clock, 'a', []);
    a.start();
    await settle();
    await a.stop();
    await a.stop();
    await settle();
    expect(clock.pendingSleeps()).toBe(0);
  });
});
