import fc from 'fast-check';
import { Backoff, backoffDelay, resolveBackoff } from './backoff';

const mid = (): number => 0.5;

describe('backoffDelay', () => {
  it('grows by the factor and stops at maxMs (no jitter at random = 0.5)', () => {
    const options = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 };
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, options, mid))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads by ±jitter', () => {
    const options = { initialMs: 1000, maxMs: 10_000, jitter: 0.2 };
    expect(backoffDelay(0, options, () => 0)).toBe(800);
    expect(backoffDelay(0, options, () => 0.999999)).toBe(1200);
  });

  it('is always within [0, maxMs] for any attempt, options and randomness', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempt, initialMs, extra, factor, jitter, r) => {
          const maxMs = initialMs + extra;
          const d = backoffDelay(attempt, { initialMs, maxMs, factor, jitter }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(maxMs);
        },
      ),
    );
  });

  it('tolerates a misbehaving random source', () => {
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.5 }, () => Number.NaN)).toBe(50);
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.5 }, () => 7)).toBe(150);
  });
});

describe('resolveBackoff', () => {
  it('has defaults', () => {
    expect(resolveBackoff()).toEqual({ initialMs: 200, maxMs: 30_000, factor: 2, jitter: 0.2 });
  });

  it.each([
    [{ initialMs: -1 }, /initialMs/],
    [{ initialMs: 100, maxMs: 50 }, /maxMs/],
    [{ factor: 0.5 }, /factor/],
    [{ jitter: 2 }, /jitter/],
  ])('rejects %j', (options, message) => {
    expect(() => resolveBackoff(options)).toThrow(message);
  });
});

describe('Backoff', () => {
  it('counts attempts and resets', () => {
    const b = new Backoff({ initialMs: 10, maxMs: 100, jitter: 0 }, mid);
    expect([b.next(), b.next(), b.next()]).toEqual([10, 20, 40]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.next()).toBe(10);
  });
});
