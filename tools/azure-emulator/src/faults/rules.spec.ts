import { FaultRules, ruleMatches } from './rules';

const ctx = {
  service: 'arm' as const,
  operation: 'Microsoft.Compute/virtualMachineScaleSets/write',
  resource: '/subscriptions/s/x/VMSS1',
  method: 'PATCH',
};

describe('fault rules', () => {
  it('matches by service, wildcard operation, resource substring and method', () => {
    expect(
      ruleMatches(
        { service: 'arm', operation: 'microsoft.compute/*/write', resource: 'vmss1', method: 'patch' },
        ctx,
      ),
    ).toBe(true);
    expect(ruleMatches({ service: 'imds' }, ctx)).toBe(false);
    expect(ruleMatches({ operation: '*/read' }, ctx)).toBe(false);
    expect(ruleMatches(undefined, ctx)).toBe(true);
  });

  it('applies a rule `times` times, then forgets it', () => {
    const rules = new FaultRules(() => 0);
    rules.add({ action: { type: 'status', status: 503 }, times: 2 });
    expect(rules.take(ctx)).toHaveLength(1);
    expect(rules.take(ctx)).toHaveLength(1);
    expect(rules.take(ctx)).toHaveLength(0);
    expect(rules.list()).toEqual([]);
  });

  it('keeps operation-failure rules for the operation phase', () => {
    const rules = new FaultRules(() => 0);
    rules.add({ action: { type: 'operation-failure' } });
    expect(rules.take(ctx, 'request')).toEqual([]);
    expect(rules.take(ctx, 'operation')).toEqual([{ type: 'operation-failure' }]);
  });

  it('honours probability with the injected random source', () => {
    const rules = new FaultRules(() => 0.9);
    rules.add({ action: { type: 'drop' }, probability: 0.5 });
    expect(rules.take(ctx)).toEqual([]);
  });

  it('rejects malformed rules', () => {
    const rules = new FaultRules();
    expect(() => rules.add({ action: { type: 'explode' } })).toThrow(/unknown fault action/);
    expect(() => rules.add({ action: { type: 'status', status: 200 } })).toThrow(/between 400 and 599/);
    expect(() => rules.add({})).toThrow(/action/);
  });
});
