import { TokenBucket } from './token-bucket';
import { Throttler } from './throttler';

describe('TokenBucket', () => {
  it('allows a burst of max, then refuses with the time to the next token', () => {
    const bucket = new TokenBucket({ max: 3, refillPerMinute: 4 }, 0);
    expect([1, 2, 3].map(() => bucket.take(0).allowed)).toEqual([true, true, true]);
    const refused = bucket.take(0);
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterMs: 15_000 });
    expect(bucket.take(14_999).allowed).toBe(false);
    expect(bucket.take(15_000).allowed).toBe(true);
  });

  it('never refills beyond max and reports whole remaining tokens', () => {
    const bucket = new TokenBucket({ max: 12, refillPerMinute: 4 }, 0);
    expect(bucket.take(3_600_000).remaining).toBe(11);
    expect(bucket.peek(3_600_000)).toBe(11);
  });
});

describe('Throttler', () => {
  it('reports Compute and ARM remaining counts as headers', () => {
    const t = new Throttler({ enforce: true }, () => 0);
    const result = t.check({ group: 'UpdateVMScaleSet', subscriptionId: 'S', resourceKey: 'r', write: true });
    expect(result.refusal).toBeUndefined();
    expect(result.headers).toEqual({
      'x-ms-ratelimit-remaining-subscription-writes': '199',
      'x-ms-ratelimit-remaining-resource':
        'Microsoft.Compute/UpdateVMScaleSetSubscription;1499,Microsoft.Compute/UpdateVMScaleSetResource;11',
      'x-ms-request-charge': '1',
    });
  });

  it('refuses the 13th VMSS update on one scale set within a minute (Azure: 12 burst, 4/min)', () => {
    const t = new Throttler({ enforce: true }, () => 0);
    const req = { group: 'UpdateVMScaleSet' as const, subscriptionId: 'S', resourceKey: 'r', write: true };
    for (let i = 0; i < 12; i++) expect(t.check(req).refusal).toBeUndefined();
    expect(t.check(req).refusal).toMatchObject({ policy: 'UpdateVMScaleSetResource', retryAfterSeconds: 15 });
    expect(t.check({ ...req, resourceKey: 'other' }).refusal).toBeUndefined();
  });

  it('only reports when not enforcing', () => {
    const t = new Throttler(
      { enforce: false, limits: { LowCostGetVM: { resource: { max: 1, refillPerMinute: 1 } } } },
      () => 0,
    );
    const req = { group: 'LowCostGetVM' as const, subscriptionId: 'S', resourceKey: 'r', write: false };
    t.check(req);
    expect(t.check(req).refusal).toBeUndefined();
  });

  it('throttles at the ARM front door per subscription', () => {
    const t = new Throttler(
      { enforce: true, limits: { armReads: { max: 2, refillPerMinute: 60 } } },
      () => 0,
    );
    const req = { subscriptionId: 'S', write: false };
    t.check(req);
    t.check(req);
    expect(t.check(req).refusal).toMatchObject({ frontDoor: true, retryAfterSeconds: 1 });
  });
});
