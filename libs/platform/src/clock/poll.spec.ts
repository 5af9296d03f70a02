import { pollUntil, PollTimeoutError } from './poll';

describe('pollUntil', () => {
  it('returns the first value that is not undefined, null or false', async () => {
    let tries = 0;
    const value = await pollUntil(
      'the third try',
      () => (++tries === 3 ? { tries } : tries === 1 ? null : false),
      { timeoutMs: 1000, intervalMs: 1 },
    );
    expect(value).toEqual({ tries: 3 });
  });

  it('treats a throw as "not yet" and names it with what was awaited at the deadline', async () => {
    const err = await pollUntil('the apiserver', () => Promise.reject(new Error('ECONNREFUSED')), {
      timeoutMs: 30,
      intervalMs: 5,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PollTimeoutError);
    expect((err as Error).message).toBe(
      'timed out after 30 ms waiting for the apiserver: Error: ECONNREFUSED',
    );
  });

  it('ends at once on a fatal error or a reported failure', async () => {
    let tries = 0;
    const fatal = new Error('process exited');
    await expect(
      pollUntil(
        'x',
        () => {
          tries++;
          throw fatal;
        },
        { timeoutMs: 10_000, isFatal: (e) => e === fatal },
      ),
    ).rejects.toBe(fatal);
    expect(tries).toBe(1);
    const died = new Error('containerd exited');
    await expect(pollUntil('y', () => false, { timeoutMs: 10_000, failure: () => died })).rejects.toBe(died);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = pollUntil('never', () => false, {
      timeoutMs: 10_000,
      intervalMs: 5,
      signal: controller.signal,
    });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
