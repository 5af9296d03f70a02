import { ManualClock } from '../clock/manual-clock';
import { SleepAbortedError } from '../clock/clock';
import { retry, RetryExhaustedError } from './retry';

const opts = { initialMs: 100, maxMs: 1000, jitter: 0, random: () => 0.5 };

describe('retry', () => {
  it('returns the first success without sleeping', async () => {
    const clock = new ManualClock();
    await expect(retry(async () => 'ok', { clock })).resolves.toBe('ok');
    expect(clock.now()).toBe(0);
  });

  it('retries with the backoff schedule until success', async () => {
    const clock = new ManualClock();
    const seen: Array<[number, number]> = [];
    const running = retry(
      async (attempt) => {
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      { ...opts, clock, onRetry: (_e, attempt, delay) => seen.push([attempt, delay]) },
    );
    await clock.advance(100);
    await clock.advance(200);
    await expect(running).resolves.toBe(3);
    expect(seen).toEqual([
      [1, 100],
      [2, 200],
    ]);
  });

  it('wraps the last error when attempts run out', async () => {
    const clock = new ManualClock();
    const running = retry(
      async (attempt) => {
        throw new Error(`fail ${attempt}`);
      },
      { ...opts, clock, maxAttempts: 2 },
    ).catch((e: unknown) => e);
    await clock.advance(1000);
    const err = await running;
    expect(err).toBeInstanceOf(RetryExhaustedError);
    expect((err as RetryExhaustedError).attempts).toBe(2);
    expect(((err as Error).cause as Error).message).toBe('fail 2');
  });

  it('rethrows a non-retryable error at once', async () => {
    const fatal = new Error('fatal');
    await expect(
      retry(
        async () => {
          throw fatal;
        },
        { ...opts, clock: new ManualClock(), shouldRetry: () => false },
      ),
    ).rejects.toBe(fatal);
  });

  it('honours a server-requested delay, capped by maxMs', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const running = retry(
      async (attempt) => {
        if (attempt === 1) throw Object.assign(new Error('429'), { retryAfterMs: 5000 });
        return 'ok';
      },
      {
        ...opts,
        clock,
        delayFor: (e) => (e as { retryAfterMs?: number }).retryAfterMs,
        onRetry: (_e, _a, d) => delays.push(d),
      },
    );
    await clock.advance(1000);
    await expect(running).resolves.toBe('ok');
    expect(delays).toEqual([1000]);
  });

  it('stops waiting when aborted', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const running = retry(
      async () => {
        throw new Error('down');
      },
      { ...opts, clock, signal: controller.signal, maxAttempts: Infinity },
    );
    await clock.whenSleeping();
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(SleepAbortedError);
  });

  it('does not start when already aborted', async () => {
    const fn = jest.fn(async () => 1);
    await expect(retry(fn, { signal: AbortSignal.abort() })).rejects.toBeDefined();
    expect(fn).not.toHaveBeenCalled();
  });
});
