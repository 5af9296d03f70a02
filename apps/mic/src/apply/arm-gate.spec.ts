import { ManualClock } from '@pod-identity/platform';
import type { TargetRef } from '../plan/model';
import { ArmGate } from './arm-gate';

const target = (name: string, sub = 's1'): TargetRef => ({
  kind: 'vmss',
  subscriptionId: sub,
  resourceGroup: 'rg',
  name,
  key: `vmss:${sub}/rg/${name}`,
});

describe('ArmGate', () => {
  it('blocks every call to a subscription until Retry-After has passed', () => {
    const clock = new ManualClock(0);
    const gate = new ArmGate(clock);
    gate.block(target('a'), 2000);
    expect(gate.mayCall(target('b'))).toEqual({ ok: false, retryInMs: 2000, scope: 'retry-after' });
    expect(gate.mayCall(target('a', 's2')).ok).toBe(true);
    clock.set(2000);
    expect(gate.mayCall(target('a')).ok).toBe(true);
  });

  it('spends a per-target write budget and refills it', () => {
    const clock = new ManualClock(0);
    const gate = new ArmGate(clock, { perMinute: 100, burst: 100, perTargetPerMinute: 4, perTargetBurst: 2 });
    expect(gate.takeWrite(target('a')).ok).toBe(true);
    expect(gate.takeWrite(target('a')).ok).toBe(true);
    expect(gate.takeWrite(target('a'))).toEqual({ ok: false, retryInMs: 15_000, scope: 'budget' });
    expect(gate.takeWrite(target('b')).ok).toBe(true);
    clock.set(15_000);
    expect(gate.takeWrite(target('a')).ok).toBe(true);
  });

  it('spends a global write budget across targets', () => {
    const gate = new ArmGate(new ManualClock(0), {
      perMinute: 60,
      burst: 2,
      perTargetPerMinute: 4,
      perTargetBurst: 10,
    });
    expect(gate.takeWrite(target('a')).ok).toBe(true);
    expect(gate.takeWrite(target('b')).ok).toBe(true);
    expect(gate.takeWrite(target('c'))).toMatchObject({ ok: false, scope: 'budget' });
  });
});
