// Lease leader election between real electors on the real apiserver (wall clock, short timings).
import { HttpLeaseStore, KubeHttp, LeaderElector } from '../src';
import { createNamespace, envtestKubeConfig, eventually } from './support';

describe('LeaderElector on a real apiserver', () => {
  let http: KubeHttp;
  let ns: string;
  const electors: LeaderElector[] = [];

  beforeAll(async () => {
    http = new KubeHttp(envtestKubeConfig());
    ns = await createNamespace(http, 'leader');
  });

  afterAll(async () => {
    for (const e of electors) await e.stop();
  });

  function elector(identity: string, log: string[]): LeaderElector {
    const e = new LeaderElector({
      store: new HttpLeaseStore(http, ns, 'mic-leader', 1000),
      identity,
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 300,
      onStartedLeading: (signal) => {
        log.push(`${identity}:start`);
        signal.addEventListener('abort', () => log.push(`${identity}:end`));
      },
      onStoppedLeading: () => log.push(`${identity}:stopped`),
    });
    electors.push(e);
    return e;
  }

  async function holder(): Promise<string | null | undefined> {
    const lease = await new HttpLeaseStore(http, ns, 'mic-leader').get();
    return lease?.spec?.holderIdentity;
  }

  it('hands over from a stopping leader (released lease) and from a dead one (expired lease)', async () => {
    const log: string[] = [];
    const a = elector('replica-a', log);
    const b = elector('replica-b', log);
    a.start();
    await eventually(() => expect(a.isLeader()).toBe(true));
    b.start();
    expect(await holder()).toBe('replica-a');
    expect(b.isLeader()).toBe(false);

    // SIGTERM path: the leader stops and releases; the standby takes over.
    await a.stop();
    await eventually(() => expect(b.isLeader()).toBe(true));
    expect(await holder()).toBe('replica-b');
    expect(log).toEqual(['replica-a:start', 'replica-a:end', 'replica-a:stopped', 'replica-b:start']);

    // Crash path: the leader vanishes without releasing; a new replica waits out the lease.
    await b.stop({ release: false });
    expect(await holder()).toBe('replica-b');
    const c = elector('replica-c', log);
    c.start();
    await eventually(() => expect(c.isLeader()).toBe(true), 20_000);
    const lease = await new HttpLeaseStore(http, ns, 'mic-leader').get();
    expect(lease?.spec).toMatchObject({
      holderIdentity: 'replica-c',
      leaseTransitions: 2,
      leaseDurationSeconds: 3,
    });
    await c.stop();
    expect(await holder()).toBeFalsy(); // released: the apiserver omits the empty holder
  });

  it('only one of several concurrent candidates leads', async () => {
    const log: string[] = [];
    const candidates = ['x', 'y', 'z'].map((id) => {
      const e = new LeaderElector({
        store: new HttpLeaseStore(http, ns, 'race', 1000),
        identity: id,
        leaseDurationMs: 3000,
        renewDeadlineMs: 2000,
        retryPeriodMs: 300,
        onStartedLeading: () => void log.push(id),
      });
      electors.push(e);
      return e;
    });
    for (const c of candidates) c.start();
    await eventually(() => expect(candidates.filter((c) => c.isLeader())).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 1000));
    expect(candidates.filter((c) => c.isLeader())).toHaveLength(1);
    expect(log).toHaveLength(1);
    for (const c of candidates) await c.stop();
  });
});
