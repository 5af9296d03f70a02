import fc from 'fast-check';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('starts full, refuses when empty and says how long until the next token', () => {
    const bucket = new TokenBucket({ burst: 3, perMinute: 4 }, 0);
    expect([1, 2, 3].map(() => bucket.tryTake(0))).toEqual([true, true, true]);
    expect(bucket.tryTake(0)).toBe(false);
    expect(bucket.waitMs(0)).toBe(15_000);
    expect(bucket.tryTake(14_999)).toBe(false);
    expect(bucket.waitMs(14_999)).toBe(1);
    expect(bucket.tryTake(15_000)).toBe(true);
  });

  it('never holds more than the burst, however long it rests', () => {
    const bucket = new TokenBucket({ burst: 12, perMinute: 4 }, 0);
    expect(bucket.tryTake(3_600_000)).toBe(true);
    expect(bucket.available(3_600_000)).toBe(11);
  });

  it('keeps partial refills (a token after 1.5 periods leaves half of the next one)', () => {
    const bucket = new TokenBucket({ burst: 2, perMinute: 1 }, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0)]).toEqual([true, true]);
    expect(bucket.tryTake(90_000)).toBe(true);
    expect(bucket.waitMs(90_000)).toBe(30_000);
  });

  it('without refill, waits forever once empty', () => {
    const bucket = new TokenBucket({ burst: 1, perMinute: 0 }, 0);
    expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.waitMs(10 ** 9)).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores a clock that steps back', () => {
    const bucket = new TokenBucket({ burst: 1, perMinute: 60 }, 10_000);
    expect(bucket.tryTake(10_000)).toBe(true);
    expect(bucket.tryTake(5_000)).toBe(false);
    expect(bucket.tryTake(11_000)).toBe(true);
  });

  it.each([
    [{ burst: -1, perMinute: 1 }, /burst/],
    [{ burst: Number.NaN, perMinute: 1 }, /burst/],
    [{ burst: 1, perMinute: -1 }, /perMinute/],
    [{ burst: 1, perMinute: Number.POSITIVE_INFINITY }, /perMinute/],
  ])('rejects %j', (limit, message) => {
    expect(() => new TokenBucket(limit, 0)).toThrow(message);
  });

  it('never grants more than burst + elapsed × rate over any run of takes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 200 }),
        (burst, perMinute, steps) => {
          const bucket = new TokenBucket({ burst, perMinute }, 0);
          let now = 0;
          let granted = 0;
          for (const step of steps) {
            now += step;
            if (bucket.tryTake(now)) granted++;
          }
          expect(granted).toBeLessThanOrEqual(burst + (now * perMinute) / 60_000 + 1e-9);
        },
      ),
    );
  });
});
