import { ArmError, toIdentityState } from '@pod-identity/azure-arm';
import { ManualClock } from '@pod-identity/platform';
import type { TargetPlan, TargetRef } from '../plan/model';
import { FakeArm, FakeLedger, silentLogger } from '../testing/fakes';
import { uai } from '../testing/fixtures';
import { ArmGate } from './arm-gate';
import { TargetRunner } from './target-runner';

const target: TargetRef = {
  kind: 'vmss',
  subscriptionId: 's',
  resourceGroup: 'rg',
  name: 'pool',
  key: 'vmss:s/rg/pool',
};

function plan(over: Partial<TargetPlan>): TargetPlan {
  return { target, needed: [], releasable: [], confirm: [], release: [], clientIds: new Map(), ...over };
}

function setup(immutable: string[] = []) {
  const clock = new ManualClock(0);
  const arm = new FakeArm();
  const ledger = new FakeLedger();
  const gate = new ArmGate(clock);
  const throttles: string[] = [];
  const runner = new TargetRunner({
    arm,
    ledger,
    gate,
    immutable: { clientIds: new Set(immutable) },
    logger: silentLogger,
    onThrottle: (scope) => throttles.push(scope),
  });
  return { clock, arm, ledger, gate, runner, throttles };
}

describe('TargetRunner', () => {
  it('adds the missing identities in one PATCH and records them in the ledger first', async () => {
    const { arm, ledger, runner } = setup();
    const out = await runner.run(plan({ needed: [uai('a'), uai('b')] }));
    expect(out.result).toBe('done');
    expect(arm.patches).toEqual([{ name: 'pool', delta: { add: [uai('a'), uai('b')], remove: [] } }]);
    expect([...(await ledger.get(target))].sort()).toEqual([uai('a'), uai('b')]);
    expect(out.identities.get(uai('a'))).toEqual({ state: 'present' });
  });

  it('writes the ledger once for an add: ahead of the PATCH, not again when the PATCH changes nothing in it', async () => {
    const { arm, ledger, runner } = setup();
    await runner.run(plan({ needed: [uai('a')] }));
    expect(arm.patches).toHaveLength(1);
    expect(ledger.writes).toBe(1);
    expect(ledger.freshReads).toBe(0);
  });

  it('writes the ledger after a removal, deciding it on a fresh read of the stored record', async () => {
    const { arm, ledger, runner } = setup();
    arm.states.set(
      'pool',
      toIdentityState({ type: 'UserAssigned', userAssignedIdentities: { [uai('mine')]: {} } }),
    );
    await ledger.set(target, [uai('mine')]);
    await runner.run(plan({ releasable: [uai('mine')] }));
    expect(arm.patches).toEqual([{ name: 'pool', delta: { add: [], remove: [uai('mine')] } }]);
    expect(ledger.freshReads).toBe(1);
    expect(ledger.writes).toBe(2);
    expect([...(await ledger.get(target))]).toEqual([]);
  });

  it('sends no PATCH when everything needed is there', async () => {
    const { arm, runner } = setup();
    arm.states.set(
      'pool',
      toIdentityState({ type: 'UserAssigned', userAssignedIdentities: { [uai('a')]: {} } }),
    );
    const out = await runner.run(plan({ needed: [uai('a')] }));
    expect(out).toMatchObject({ result: 'done', writes: 0 });
    expect(arm.gets).toBe(1);
  });

  it('isolates an identity ARM refuses and applies the others', async () => {
    const { arm, runner } = setup();
    arm.refused.add(uai('bad'));
    const out = await runner.run(plan({ needed: [uai('bad'), uai('good')] }));
    expect(out.result).toBe('partial');
    expect(out.identities.get(uai('good'))).toEqual({ state: 'present' });
    expect(out.identities.get(uai('bad'))).toMatchObject({
      state: 'failed',
      error: { code: 'LinkedAuthorizationFailed' },
    });
    expect(arm.patches.map((p) => p.delta.add)).toEqual([[uai('bad'), uai('good')], [uai('good')]]);
  });

  it('removes only what MIC added, never immutable or pre-existing identities', async () => {
    const { arm, ledger, runner } = setup(['client-imm']);
    arm.states.set(
      'pool',
      toIdentityState({
        type: 'UserAssigned',
        userAssignedIdentities: {
          [uai('mine')]: {},
          [uai('pre')]: {},
          [uai('imm')]: { clientId: 'CLIENT-IMM' },
        },
      }),
    );
    await ledger.set(target, [uai('mine'), uai('imm')]);
    const out = await runner.run(plan({ releasable: [uai('mine'), uai('pre'), uai('imm')] }));
    expect(out.result).toBe('done');
    expect(arm.patches).toEqual([{ name: 'pool', delta: { add: [], remove: [uai('mine')] } }]);
    expect([...arm.state('pool').userAssigned.keys()].sort()).toEqual([uai('imm'), uai('pre')]);
  });

  it('on a 429 blocks the subscription for Retry-After and reports it', async () => {
    const { arm, gate, runner, throttles } = setup();
    arm.failures.push(
      new ArmError({
        kind: 'throttled',
        statusCode: 429,
        message: 'slow down',
        identityIds: [],
        retryAfterMs: 7000,
      }),
    );
    const out = await runner.run(plan({ needed: [uai('a')] }));
    expect(out).toMatchObject({ result: 'failed', retryInMs: 7000 });
    expect(throttles).toEqual(['retry-after']);
    expect(gate.mayCall(target)).toMatchObject({ ok: false, retryInMs: 7000 });
    const again = await runner.run(plan({ needed: [uai('a')] }));
    expect(again.result).toBe('deferred');
    expect(arm.gets).toBe(1);
  });

  it('defers when the write budget is spent', async () => {
    const clock = new ManualClock(0);
    const arm = new FakeArm();
    const runner = new TargetRunner({
      arm,
      ledger: new FakeLedger(),
      gate: new ArmGate(clock, { perMinute: 100, burst: 100, perTargetPerMinute: 1, perTargetBurst: 1 }),
      immutable: { clientIds: new Set() },
      logger: silentLogger,
    });
    expect((await runner.run(plan({ needed: [uai('a')] }))).result).toBe('done');
    expect((await runner.run(plan({ needed: [uai('a'), uai('b')] }))).result).toBe('deferred');
  });

  it('gives up after the retry limit with the remaining identities failed', async () => {
    const clock = new ManualClock(0);
    const arm = new FakeArm();
    const runner = new TargetRunner({
      arm,
      ledger: new FakeLedger(),
      gate: new ArmGate(clock),
      immutable: { clientIds: new Set() },
      logger: silentLogger,
      isolationRetries: 0,
    });
    arm.refused.add(uai('x'));
    const out = await runner.run(plan({ needed: [uai('x'), uai('y')] }));
    expect(out.result).toBe('failed');
    expect(out.identities.get(uai('y'))?.state).toBe('failed');
  });

  it('reports a failed GET on every identity', async () => {
    const { arm, runner } = setup();
    arm.failures.push(
      new ArmError({ kind: 'resource-not-found', statusCode: 404, message: 'no such VMSS', identityIds: [] }),
    );
    const out = await runner.run(plan({ needed: [uai('a')], releasable: [uai('b')] }));
    expect(out.result).toBe('failed');
    expect([...out.identities.values()].every((o) => o.state === 'failed')).toBe(true);
  });
});
