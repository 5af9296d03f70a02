import { ManualClock, flushMicrotasks } from '@pod-identity/platform';
import { objectRef, refKey } from '../plan/existing';
import type { Plan } from '../plan/model';
import { planSync } from '../plan/plan';
import { FakeArm, FakeEvents, FakeLedger, FakeWriter, silentLogger } from '../testing/fakes';
import { binding, identity, pod, snapshot, stored, uai, vmssNode } from '../testing/fixtures';
import { Applier } from './applier';
import { ArmGate } from './arm-gate';
import { TargetRunner } from './target-runner';

function setup(coalescing?: { quietMs: number; maxMs: number }) {
  const clock = new ManualClock(0);
  const arm = new FakeArm();
  const writer = new FakeWriter();
  const events = new FakeEvents();
  const wakes: string[] = [];
  const runner = new TargetRunner({
    arm,
    ledger: new FakeLedger(),
    gate: new ArmGate(clock),
    immutable: { clientIds: new Set() },
    logger: silentLogger,
  });
  const applier = new Applier({
    writer,
    runner,
    events,
    clock,
    logger: silentLogger,
    kubeConcurrency: 4,
    targetConcurrency: 2,
    retryBaseMs: 1000,
    wake: (r) => wakes.push(r),
    coalescing,
  });
  return { clock, arm, writer, events, wakes, applier };
}

const world = {
  nodes: [vmssNode('n0', 'pool')],
  identities: [identity('app', 'good'), identity('app', 'bad')],
  bindings: [binding('app', 'b1', 'good', 'sel'), binding('app', 'b2', 'bad', 'sel')],
};

function lookupFor(plan: Plan) {
  const index = new Map(plan.creates.map((c) => [refKey(objectRef(c.object)), c.object]));
  return (ref: { namespace: string; name: string }) => index.get(refKey(ref));
}

describe('Applier', () => {
  it('creates objects, then marks them Assigned once ARM confirmed, and reports refused identities', async () => {
    const { arm, writer, events, wakes, applier } = setup();
    arm.refused.add(uai('bad'));
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    const report = await applier.apply(plan, lookupFor(plan));
    expect(report).toMatchObject({ kubeWrites: 2, dispatched: 1 });
    expect(writer.objects.size).toBe(2);
    await applier.idle();
    expect(writer.statuses).toEqual([
      { ref: { namespace: 'app', name: 'p-app-good' }, update: { status: 'Assigned' } },
      {
        ref: { namespace: 'app', name: 'p-app-bad' },
        update: expect.objectContaining({ status: 'Created', reason: 'LinkedAuthorizationFailed' }),
      },
    ]);
    expect(events.emitted.map((e) => e.reason).sort()).toEqual([
      'IdentityAssigned',
      'IdentityAssignmentFailed',
    ]);
    expect(events.unflushed).toBe(0);
    expect(wakes).toHaveLength(1);
  });

  it('never runs two operations on one target; a busy target waits for the next sync', async () => {
    const { arm, applier } = setup();
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    await applier.apply(plan, lookupFor(plan));
    const second = await applier.apply(plan, lookupFor(plan));
    expect(second).toMatchObject({ dispatched: 0, skippedBusy: 1 });
    await applier.idle();
    expect(arm.gets).toBe(1);
  });

  it('backs a failing target off and wakes the loop when it is due', async () => {
    const { clock, arm, wakes, applier } = setup();
    arm.refused.add(uai('bad'));
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    await applier.apply(plan, lookupFor(plan));
    await applier.idle();
    expect((await applier.apply(plan, lookupFor(plan))).skippedWaiting).toBe(1);
    await clock.advance(1000);
    await flushMicrotasks();
    expect(wakes.some((w) => w.endsWith('due'))).toBe(true);
    expect((await applier.apply(plan, lookupFor(plan))).dispatched).toBe(1);
    await applier.idle();
    applier.close();
  });

  it('deletes released objects once the identity is gone', async () => {
    const { arm, writer, applier } = setup();
    const s1 = snapshot({
      ...world,
      bindings: [world.bindings[0]!],
      pods: [pod('app', 'p', { node: 'n0', label: 'sel' })],
    });
    const p1 = planSync(s1);
    await applier.apply(p1, lookupFor(p1));
    await applier.idle();
    expect(arm.state('pool').userAssigned.has(uai('good'))).toBe(true);
    const assigned = p1.creates.map((c) => stored(c.object));
    const p2 = planSync(snapshot({ ...world, bindings: [world.bindings[0]!], pods: [], assigned }));
    await applier.apply(p2, () => undefined);
    await applier.idle();
    expect(writer.removed).toEqual(['app/p-app-good']);
    expect(arm.state('pool').userAssigned.size).toBe(0);
  });
});

describe('Applier: identities known to be on a target', () => {
  it('a second pod of an identity already on the VMSS is created Assigned: no ARM call, no status write', async () => {
    const { arm, writer, events, applier } = setup();
    const one = { ...world, bindings: [world.bindings[0]!] };
    const first = [pod('app', 'p1', { node: 'n0', label: 'sel' })];
    const p1 = planSync(snapshot({ ...one, pods: first }));
    await applier.apply(p1, lookupFor(p1));
    await applier.idle();
    expect(applier.knownPresent().get(p1.targets[0]!.target.key)).toEqual(new Set([uai('good')]));
    const gets = arm.gets;
    const statuses = writer.statuses.length;
    const assigned = p1.creates.map((c) => stored(c.object, 'Assigned'));
    const p2 = planSync(
      snapshot({
        ...one,
        pods: [...first, pod('app', 'p2', { node: 'n0', label: 'sel' })],
        assigned,
        knownPresent: applier.knownPresent(),
      }),
    );
    expect(p2.creates.map((c) => [c.object.metadata?.name, c.object.status?.status])).toEqual([
      ['p2-app-good', 'Assigned'],
    ]);
    await applier.apply(p2, lookupFor(p2));
    await applier.idle();
    expect(arm.gets).toBe(gets);
    expect(writer.statuses).toHaveLength(statuses);
    expect(events.emitted.at(-1)?.message).toBe('identity already on vmss pool (no VM change needed)');
  });

  it('forgets an identity once a run that removes it starts', async () => {
    const { applier } = setup();
    const one = { ...world, bindings: [world.bindings[0]!] };
    const p1 = planSync(snapshot({ ...one, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    await applier.apply(p1, lookupFor(p1));
    await applier.idle();
    const key = p1.targets[0]!.target.key;
    expect(applier.knownPresent().get(key)?.has(uai('good'))).toBe(true);
    const assigned = p1.creates.map((c) => stored(c.object, 'Assigned'));
    const p2 = planSync(snapshot({ ...one, pods: [], assigned }));
    await applier.apply(p2, () => undefined);
    expect(applier.knownPresent().get(key)?.has(uai('good')) ?? false).toBe(false);
    await applier.idle();
    expect(applier.knownPresent().get(key)?.has(uai('good')) ?? false).toBe(false);
  });
});

describe('Applier with failing Kubernetes writes', () => {
  it('does not ask ARM about objects it could not create', async () => {
    const { arm, writer, applier } = setup();
    writer.create = async () => {
      throw new Error('422 invalid');
    };
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    const report = await applier.apply(plan, lookupFor(plan));
    expect(report).toMatchObject({ kubeErrors: 2, dispatched: 0 });
    await applier.idle();
    expect(arm.gets).toBe(0);
  });
});

describe('Applier: one failing object', () => {
  it('backs that object off without holding the others back', async () => {
    const { clock, writer, wakes, applier } = setup();
    const create = writer.create.bind(writer);
    let refusals = 0;
    writer.create = async (obj) => {
      if (obj.metadata?.name === 'p-app-bad') {
        refusals++;
        throw new Error('namespace is being terminated');
      }
      return create(obj);
    };
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    expect(await applier.apply(plan, lookupFor(plan))).toMatchObject({ kubeErrors: 1, dispatched: 1 });
    await applier.idle();
    expect(writer.statuses.map((s) => s.ref.name)).toEqual(['p-app-good']);
    await applier.apply(plan, lookupFor(plan));
    expect(refusals).toBe(1);
    await clock.advance(1000);
    await flushMicrotasks();
    expect(wakes.some((w) => w.startsWith('write app/p-app-bad'))).toBe(true);
    await applier.apply(plan, lookupFor(plan));
    expect(refusals).toBe(2);
    await applier.idle();
    applier.close();
  });
});

describe('Applier: coalescing window', () => {
  const pods = (n: number) =>
    Array.from({ length: n }, (_, i) => pod('app', `p${i}`, { node: 'n0', label: i % 2 ? 'sel' : 'one' }));
  const twoSelectors = {
    ...world,
    bindings: [binding('app', 'b1', 'good', 'one'), binding('app', 'b2', 'bad', 'sel')],
  };

  it('gives a burst of pods one PATCH, once the target has been quiet, and wakes the loop for it', async () => {
    const { clock, arm, wakes, applier } = setup({ quietMs: 250, maxMs: 3000 });
    // First pod: only the "good" identity is needed; the window opens.
    const first = planSync(snapshot({ ...twoSelectors, pods: pods(1) }));
    expect(await applier.apply(first, lookupFor(first))).toMatchObject({ dispatched: 0, coalescing: 1 });
    await clock.advance(100);
    // More pods 100 ms later bring the "bad" identity too: the quiet period starts again.
    const burst = planSync(snapshot({ ...twoSelectors, pods: pods(4) }));
    expect(await applier.apply(burst, lookupFor(burst))).toMatchObject({ dispatched: 0, coalescing: 1 });
    await clock.advance(150);
    await flushMicrotasks();
    expect(wakes.filter((w) => w.endsWith('window ended'))).toHaveLength(1);
    expect(await applier.apply(burst, lookupFor(burst))).toMatchObject({ dispatched: 0, coalescing: 1 });
    await clock.advance(100);
    await flushMicrotasks();
    expect(wakes.filter((w) => w.endsWith('window ended'))).toHaveLength(2);
    expect(await applier.apply(burst, lookupFor(burst))).toMatchObject({ dispatched: 1, coalescing: 0 });
    await applier.idle();
    expect(arm.patches).toHaveLength(1);
    expect([...(arm.patches[0]?.delta.add ?? [])].sort()).toEqual([uai('bad'), uai('good')].sort());
    applier.close();
  });

  it('does not hold back a drift check of a target with nothing pending', async () => {
    const { arm, applier } = setup({ quietMs: 250, maxMs: 3000 });
    const plan = planSync(snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })] }));
    const assigned = plan.creates.map((c) => stored(c.object));
    const drift = planSync(
      snapshot({ ...world, pods: [pod('app', 'p', { node: 'n0', label: 'sel' })], assigned }),
      { driftCheck: true },
    );
    expect(await applier.apply(drift, () => undefined)).toMatchObject({ dispatched: 1, coalescing: 0 });
    await applier.idle();
    expect(arm.gets).toBe(1);
    applier.close();
  });
});

describe('Applier: removals that could not run in their own sync', () => {
  const nodes = [vmssNode('n0', 'pool'), vmssNode('n1', 'other')];
  const base = {
    nodes,
    identities: [identity('app', 'good')],
    bindings: [binding('app', 'b1', 'good', 'sel')],
  };
  const at = (node: string) => [pod('app', 'p', { node, label: 'sel' })];

  it('removes the identity from the old VMSS of a moved pod, though that VMSS was in its window when the move was written', async () => {
    const { clock, arm, applier } = setup({ quietMs: 250, maxMs: 3000 });
    const first = planSync(snapshot({ ...base, pods: at('n0') }));
    await applier.apply(first, lookupFor(first));
    await clock.advance(250);
    await applier.apply(first, lookupFor(first));
    await applier.idle();
    expect(arm.state('pool').userAssigned.has(uai('good'))).toBe(true);

    // The pod is re-created on a node of another VMSS: the object is rewritten at once, both targets wait.
    const assigned = first.creates.map((c) => stored(c.object, 'Assigned'));
    const move = planSync(
      snapshot({ ...base, pods: at('n1'), assigned, owedReleases: applier.owedReleases() }),
    );
    expect(move.updates).toHaveLength(1);
    expect(await applier.apply(move, lookupFor(move))).toMatchObject({ dispatched: 0, coalescing: 2 });

    // The next snapshot no longer shows where the object was: only the owed removal brings pool back.
    const moved = move.updates.map((u) => stored(u.object, 'Created'));
    const forgetful = planSync(snapshot({ ...base, pods: at('n1'), assigned: moved }));
    expect(forgetful.targets.map((t) => t.target.name)).toEqual(['other']);
    const next = planSync(
      snapshot({ ...base, pods: at('n1'), assigned: moved, owedReleases: applier.owedReleases() }),
    );
    expect(next.targets.map((t) => [t.target.name, t.releasable])).toEqual([
      ['other', []],
      ['pool', [uai('good')]],
    ]);
    await clock.advance(250);
    expect(await applier.apply(next, lookupFor(next))).toMatchObject({ dispatched: 2 });
    await applier.idle();
    expect(arm.state('pool').userAssigned.has(uai('good'))).toBe(false);
    expect(arm.state('other').userAssigned.has(uai('good'))).toBe(true);
    expect(applier.owedReleases()).toEqual([]);
    applier.close();
  });
});
