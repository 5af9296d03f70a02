import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import type { ObjectReference } from '@pod-identity/kube';
import { flushMicrotasks, ManualClock } from '@pod-identity/platform';
import { PODS_NAMED_PER_EVENT, RecorderAssignmentEvents } from './assignment-events';

interface Sent {
  about: ObjectReference;
  type: string;
  reason: string;
  message: string;
  count: number;
}

function setup() {
  const sent: Sent[] = [];
  const clock = new ManualClock(0);
  const events = new RecorderAssignmentEvents(
    {
      event: (about, type, reason, message, count = 1) => sent.push({ about, type, reason, message, count }),
    },
    { clock, minIntervalMs: 10_000 },
  );
  return { sent, events, clock };
}

function assigned(pod: string, binding = 'web-binding', identity = 'web-id'): AzureAssignedIdentity {
  return {
    metadata: { name: `${pod}-apps-${identity}`, namespace: 'apps' },
    spec: {
      pod,
      podNamespace: 'apps',
      nodename: 'n0',
      azureBindingRef: { metadata: { name: binding, namespace: 'apps', uid: `uid-${binding}` } },
      azureIdentityRef: { metadata: { name: identity, namespace: 'apps' } },
    },
  } as AzureAssignedIdentity;
}

describe('RecorderAssignmentEvents', () => {
  it('sends nothing until flushed, then one Event per binding with the pod count and a few names', () => {
    const { sent, events } = setup();
    const pods = Array.from({ length: 12 }, (_, i) => `web-${i}`);
    for (const p of pods)
      events.emit(assigned(p), 'Normal', 'IdentityAssigned', 'identity assigned to VMSS s0');
    events.emit(
      assigned('db-0', 'db-binding', 'db-id'),
      'Normal',
      'IdentityAssigned',
      'identity assigned to VMSS s0',
    );
    expect(sent).toHaveLength(0);
    events.flush();
    expect(sent).toHaveLength(2);
    const web = sent.find((s) => s.about.name === 'web-binding');
    expect(web).toMatchObject({
      about: { kind: 'AzureIdentityBinding', namespace: 'apps', uid: 'uid-web-binding' },
      type: 'Normal',
      reason: 'IdentityAssigned',
      count: 12,
    });
    const named = pods
      .slice(0, PODS_NAMED_PER_EVENT)
      .map((p) => `apps/${p}`)
      .join(', ');
    expect(web?.message).toBe(
      `identity assigned to VMSS s0 (identity apps/web-id): 12 pods, ${named} and ${12 - PODS_NAMED_PER_EVENT} more`,
    );
    expect(sent.find((s) => s.about.name === 'db-binding')?.message).toBe(
      'identity assigned to VMSS s0 (identity apps/db-id): 1 pod, apps/db-0',
    );
    events.flush();
    expect(sent).toHaveLength(2);
  });

  it('keeps different reasons and messages of one binding apart', () => {
    const { sent, events } = setup();
    events.emit(assigned('a'), 'Normal', 'IdentityAssigned', 'identity assigned to VMSS s0');
    events.emit(assigned('b'), 'Normal', 'IdentityAssigned', 'identity assigned to VMSS s1');
    events.emit(assigned('c'), 'Normal', 'IdentityUnassigned', 'identity removed from VMSS s0');
    events.flush();
    expect(sent.map((s) => [s.reason, s.count])).toEqual([
      ['IdentityAssigned', 1],
      ['IdentityAssigned', 1],
      ['IdentityUnassigned', 1],
    ]);
  });

  it('a Warning also goes to the pod at once, where kubectl describe pod shows it', () => {
    const { sent, events } = setup();
    events.emit(assigned('web-0'), 'Warning', 'IdentityAssignmentFailed', 'LinkedAuthorizationFailed');
    expect(sent).toEqual([
      {
        about: { kind: 'Pod', apiVersion: 'v1', name: 'web-0', namespace: 'apps' },
        type: 'Warning',
        reason: 'IdentityAssignmentFailed',
        message: 'LinkedAuthorizationFailed (identity apps/web-id)',
        count: 1,
      },
    ]);
    events.flush();
    expect(sent[1]).toMatchObject({ about: { name: 'web-binding' }, type: 'Warning', count: 1 });
  });

  it('an assignment without a binding reference is reported on its pod', () => {
    const { sent, events } = setup();
    const obj = assigned('web-0');
    delete obj.spec?.azureBindingRef;
    events.emit(obj, 'Normal', 'IdentityAssigned', 'identity assigned to VMSS s0');
    events.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ about: { kind: 'Pod', name: 'web-0' }, count: 1 });
  });

  it('sends at most one Event per binding per interval: later batches are merged and sent when it ends', async () => {
    const { sent, events, clock } = setup();
    const msg = 'identity assigned to VMSS s0';
    events.emit(assigned('web-0'), 'Normal', 'IdentityAssigned', msg);
    events.flush();
    expect(sent.map((s) => s.count)).toEqual([1]);
    await clock.advance(1_000);
    events.emit(assigned('web-1'), 'Normal', 'IdentityAssigned', msg);
    events.emit(assigned('db-0', 'db-binding', 'db-id'), 'Normal', 'IdentityAssigned', msg);
    events.flush();
    // db-binding had no Event yet: it goes; web-binding's second batch waits.
    expect(sent.map((s) => [s.about.name, s.count])).toEqual([
      ['web-binding', 1],
      ['db-binding', 1],
    ]);
    await clock.advance(1_000);
    events.emit(assigned('web-2'), 'Normal', 'IdentityAssigned', msg);
    events.flush();
    expect(sent).toHaveLength(2);
    // No batch ends when the interval does: the held group goes out on its own, both pods in it.
    await clock.advance(10_000);
    await flushMicrotasks();
    expect(sent).toHaveLength(3);
    expect(sent[2]).toMatchObject({ about: { name: 'web-binding' }, count: 2 });
    expect(sent[2]?.message).toBe(`${msg} (identity apps/web-id): 2 pods, apps/web-1, apps/web-2`);
  });

  it('close sends whatever is held at once', () => {
    const { sent, events } = setup();
    const msg = 'identity assigned to VMSS s0';
    events.emit(assigned('web-0'), 'Normal', 'IdentityAssigned', msg);
    events.flush();
    events.emit(assigned('web-1'), 'Normal', 'IdentityAssigned', msg);
    events.flush();
    expect(sent).toHaveLength(1);
    events.close();
    expect(sent.map((s) => s.count)).toEqual([1, 1]);
  });
});
