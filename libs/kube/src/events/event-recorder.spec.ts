import { ManualClock } from '@pod-identity/platform';
import { KubeApiError } from '../http/errors';
import { EventRecorder } from './event-recorder';
import type { EventSink, KubeEvent } from './event-sink';

class MemorySink implements EventSink {
  readonly events = new Map<string, KubeEvent>();
  failCreate: unknown;

  async create(namespace: string, event: KubeEvent): Promise<Partial<KubeEvent>> {
    if (this.failCreate) throw this.failCreate;
    this.events.set(`${namespace}/${event.metadata.name}`, structuredClone(event));
    return event;
  }

  async patch(
    namespace: string,
    name: string,
    patch: { count: number; lastTimestamp: string },
  ): Promise<unknown> {
    const e = this.events.get(`${namespace}/${name}`);
    if (!e) throw new KubeApiError(404, 'NotFound', 'gone');
    Object.assign(e, patch);
    return e;
  }

  list(): KubeEvent[] {
    return [...this.events.values()];
  }
}

const pod = { kind: 'Pod', apiVersion: 'v1', name: 'web', namespace: 'apps', uid: 'u1' };

function setup(extra = {}) {
  const sink = new MemorySink();
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const warnings: unknown[] = [];
  const recorder = new EventRecorder({
    sink,
    clock,
    component: 'mic',
    instance: 'mic-0',
    logger: { warn: (obj: unknown) => warnings.push(obj), debug: () => undefined } as never,
    ...extra,
  });
  return { sink, clock, recorder, warnings };
}

describe('EventRecorder', () => {
  it('creates a core/v1 Event with the involved object, reason, message, type and source', async () => {
    const { sink, recorder } = setup();
    recorder.event(pod, 'Normal', 'IdentityAssigned', 'identity id1 assigned to node n1');
    await recorder.flush();
    const [event] = sink.list();
    expect(event).toMatchObject({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: 'apps' },
      involvedObject: pod,
      reason: 'IdentityAssigned',
      message: 'identity id1 assigned to node n1',
      type: 'Normal',
      count: 1,
      firstTimestamp: '2025-01-01T00:00:00Z',
      source: { component: 'mic', host: 'mic-0' },
      reportingComponent: 'mic',
      reportingInstance: 'mic-0',
    });
    expect(event.metadata.name.startsWith('web.')).toBe(true);
  });

  it('aggregates repeats into one Event with a growing count', async () => {
    const { sink, clock, recorder } = setup();
    for (let i = 0; i < 3; i++) {
      recorder.event(pod, 'Warning', 'AssignFailed', 'LinkedAuthorizationFailed');
      await clock.advance(1000);
    }
    await recorder.flush();
    expect(sink.list()).toHaveLength(1);
    expect(sink.list()[0]).toMatchObject({ count: 3, lastTimestamp: '2025-01-01T00:00:02Z' });
  });

  it('an aggregate of several occurrences starts at their count, and a repeat adds its own', async () => {
    const { sink, recorder } = setup();
    recorder.event(pod, 'Normal', 'IdentityAssigned', 'assigned: 20 pods', 20);
    await recorder.flush();
    expect(sink.list()[0]).toMatchObject({ count: 20 });
    recorder.event(pod, 'Normal', 'IdentityAssigned', 'assigned: 20 pods', 3);
    await recorder.flush();
    expect(sink.list()).toHaveLength(1);
    expect(sink.list()[0]).toMatchObject({ count: 23 });
  });

  it('refuses a count that is not a positive integer, sending nothing', async () => {
    const { sink, recorder } = setup();
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => recorder.event(pod, 'Normal', 'R', 'm', bad)).toThrow(
        /event count must be an integer >= 1/,
      );
    }
    await recorder.flush();
    expect(sink.list()).toHaveLength(0);
  });

  it('keeps different reasons, messages, types and objects apart', async () => {
    const { sink, recorder } = setup();
    recorder.event(pod, 'Warning', 'A', 'm');
    recorder.event(pod, 'Warning', 'B', 'm');
    recorder.event(pod, 'Warning', 'A', 'other');
    recorder.event(pod, 'Normal', 'A', 'm');
    recorder.event({ ...pod, name: 'db' }, 'Warning', 'A', 'm');
    await recorder.flush();
    expect(sink.list()).toHaveLength(5);
  });

  it('starts a new Event after the aggregation window, or when the old one expired', async () => {
    const { sink, clock, recorder } = setup({ aggregationWindowMs: 60_000 });
    recorder.event(pod, 'Normal', 'R', 'm');
    await recorder.flush();
    await clock.advance(61_000);
    recorder.event(pod, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(sink.list()).toHaveLength(2);
    sink.events.clear();
    recorder.event(pod, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(sink.list()).toHaveLength(1);
  });

  it('bounds the rate per object and refills over time', async () => {
    const { sink, clock, recorder } = setup({ burst: 3, refillMs: 10_000 });
    for (let i = 0; i < 5; i++) recorder.event(pod, 'Normal', `R${i}`, 'm');
    recorder.event({ ...pod, name: 'other' }, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(sink.list()).toHaveLength(4);
    expect(recorder.droppedCount()).toBe(2);
    await clock.advance(10_000);
    recorder.event(pod, 'Normal', 'later', 'm');
    await recorder.flush();
    expect(sink.list()).toHaveLength(5);
  });

  it('never puts credentials in a message, and truncates long ones', async () => {
    const { sink, recorder } = setup({ maxMessageLength: 100 });
    recorder.event(
      pod,
      'Warning',
      'TokenFailed',
      'upstream said access_token=abc123secret; Authorization: Bearer xyz.abc.def',
    );
    recorder.event(pod, 'Warning', 'Long', 'x'.repeat(500));
    await recorder.flush();
    const messages = sink.list().map((e) => e.message);
    expect(messages[0]).not.toContain('abc123secret');
    expect(messages[0]).not.toContain('xyz.abc.def');
    expect(messages[1]).toHaveLength(100);
  });

  it('logs and swallows sink failures', async () => {
    const { sink, recorder, warnings } = setup();
    sink.failCreate = new KubeApiError(403, 'Forbidden', 'no events for you');
    recorder.event(pod, 'Normal', 'R', 'm');
    await expect(recorder.flush()).resolves.toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('puts events of cluster-scoped objects in "default"', async () => {
    const { sink, recorder } = setup();
    recorder.event({ kind: 'Node', name: 'n1' }, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(sink.list()[0].metadata.namespace).toBe('default');
  });
});
