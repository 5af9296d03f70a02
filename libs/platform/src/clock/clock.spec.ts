import { isSleepAborted, SleepAbortedError, SystemClock } from './clock';
import { ManualClock } from './manual-clock';

describe('SystemClock', () => {
  const clock = new SystemClock();

  it('now() follows Date.now()', () => {
    const before = Date.now();
    const now = clock.now();
    expect(now).toBeGreaterThanOrEqual(before);
  });

  it('sleep(0) resolves', async () => {
    await expect(clock.sleep(0)).resolves.toBeUndefined();
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(clock.sleep(60_000, AbortSignal.abort())).rejects.toBeInstanceOf(SleepAbortedError);
  });

  it('does not resolve before now() has reached the deadline, even when the timer fires early', async () => {
    // A wall clock that lags the timers: each reading advances it by only 2 ms.
    const readings: number[] = [];
    let wall = 1_000;
    const lagging = new SystemClock(() => {
      readings.push(wall);
      const current = wall;
      wall += 2;
      return current;
    });
    await lagging.sleep(6);
    const last = readings[readings.length - 1] as number;
    expect(last).toBeGreaterThanOrEqual(1_006);
    expect(readings.length).toBeGreaterThan(2);
  });

  it('aborts while re-armed for the remainder', async () => {
    const controller = new AbortController();
    const frozen = new SystemClock(() => 5_000);
    const sleeping = frozen.sleep(1, controller.signal);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(SleepAbortedError);
  });

  it('rejects when the signal aborts during the sleep (and releases the timer)', async () => {
    const controller = new AbortController();
    const sleeping = clock.sleep(60_000, controller.signal);
    controller.abort(new Error('shutdown'));
    const err = await sleeping.catch((e: unknown) => e);
    expect(isSleepAborted(err)).toBe(true);
    expect((err as Error).message).toContain('shutdown');
  });
});

describe('ManualClock', () => {
  it('only moves when advanced', async () => {
    const clock = new ManualClock(1000);
    expect(clock.now()).toBe(1000);
    await clock.advance(500);
    expect(clock.now()).toBe(1500);
    clock.set(10);
    expect(clock.now()).toBe(10);
  });

  it('wakes sleepers in time order, and only those that are due', async () => {
    const clock = new ManualClock();
    const woke: string[] = [];
    void clock.sleep(300).then(() => woke.push('300'));
    void clock.sleep(100).then(() => woke.push('100'));
    void clock.sleep(100).then(() => woke.push('100b'));
    expect(clock.pendingSleeps()).toBe(3);
    await clock.advance(150);
    expect(woke).toEqual(['100', '100b']);
    await clock.advance(150);
    expect(woke).toEqual(['100', '100b', '300']);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('wakes a loop that sleeps again within the advanced window', async () => {
    const clock = new ManualClock();
    const ticks: number[] = [];
    const controller = new AbortController();
    const loop = (async () => {
      for (;;) {
        await clock.sleep(10, controller.signal);
        ticks.push(clock.now());
      }
    })().catch(() => undefined);
    await clock.advance(35);
    expect(ticks).toEqual([10, 20, 30]);
    controller.abort();
    await loop;
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('whenSleeping resolves once code reaches a sleep', async () => {
    const clock = new ManualClock();
    const reached = clock.whenSleeping(2);
    void clock.sleep(5);
    void clock.sleep(5);
    await expect(reached).resolves.toBeUndefined();
    await clock.advance(5);
  });

  it('aborting removes the sleeper', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(100, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(SleepAbortedError);
    expect(clock.pendingSleeps()).toBe(0);
    await expect(clock.sleep(1, controller.signal)).rejects.toBeInstanceOf(SleepAbortedError);
  });
});
