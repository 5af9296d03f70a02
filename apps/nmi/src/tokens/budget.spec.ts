import { ManualClock } from '@pod-identity/platform';
import { UpstreamBudget } from './budget';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('UpstreamBudget', () => {
  it('never runs more than maxConcurrent at once', async () => {
    const clock = new ManualClock(0);
    const budget = new UpstreamBudget(
      { ratePerSec: 100, burst: 100, maxConcurrent: 2, maxWaitMs: 10_000 },
      clock,
    );
    const gates = [deferred(), deferred(), deferred()];
    let peak = 0;
    const runs = gates.map((g) =>
      budget.run(async () => {
        peak = Math.max(peak, budget.activeCount());
        await g.promise;
      }),
    );
    await clock.advance(0);
    expect(budget.activeCount()).toBe(2);
    gates[0].resolve();
    gates[1].resolve();
    await clock.advance(1);
    gates[2].resolve();
    await Promise.all(runs);
    expect(peak).toBe(2);
  });

  it('limits the start rate with a token bucket', async () => {
    const clock = new ManualClock(0);
    const budget = new UpstreamBudget(
      { ratePerSec: 2, burst: 2, maxConcurrent: 10, maxWaitMs: 10_000 },
      clock,
    );
    let started = 0;
    const runs = [1, 2, 3].map(() => budget.run(async () => void started++));
    await clock.advance(0);
    expect(started).toBe(2);
    await clock.advance(500);
    expect(started).toBe(3);
    await Promise.all(runs);
  });

  it('gives up after maxWaitMs with upstream-busy', async () => {
    const clock = new ManualClock(0);
    const budget = new UpstreamBudget(
      { ratePerSec: 100, burst: 100, maxConcurrent: 1, maxWaitMs: 200 },
      clock,
    );
    const gate = deferred();
    const first = budget.run(() => gate.promise);
    const second = budget.run(async () => 'never');
    const check = expect(second).rejects.toMatchObject({ code: 'upstream-busy' });
    await clock.advance(250);
    await check;
    gate.resolve();
    await first;
  });
});
