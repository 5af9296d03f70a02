import { flushMicrotasks, ManualClock } from '@pod-identity/platform';
import { KubeApiError, KubeTransportError } from '../http/errors';
import { FakeListerWatcher } from '../testing/fake-lister-watcher';
import { Informer } from './informer';

interface Pod {
  metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  status?: { podIP?: string };
}

const pod = (name: string, ip?: string): Pod => ({
  metadata: { name, namespace: 'default' },
  status: { podIP: ip },
});

function setup(options: { transform?: (p: Pod) => Pod } = {}) {
  const clock = new ManualClock(1_000_000);
  const server = new FakeListerWatcher<Pod>();
  const informer = new Informer<Pod>({
    listerWatcher: server,
    clock,
    random: () => 0.5,
    backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
    watchTimeoutSeconds: 60,
    indexes: { ip: (p) => (p.status?.podIP ? [p.status.podIP] : []) },
    ...options,
  });
  const events: string[] = [];
  const errors: unknown[] = [];
  informer.onAdd((p) => events.push(`add:${p.metadata.name}`));
  informer.onUpdate((p, old) =>
    events.push(`update:${p.metadata.name}:${old.status?.podIP ?? ''}->${p.status?.podIP ?? ''}`),
  );
  informer.onDelete((p) => events.push(`delete:${p.metadata.name}`));
  informer.onError((e) => errors.push(e));
  return { clock, server, informer, events, errors };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await flushMicrotasks();
};

describe('Informer', () => {
  it('lists, syncs, then delivers watch events in order', async () => {
    const { server, informer, events } = setup();
    server.put(pod('a', '10.0.0.1'));
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await expect(informer.waitForSync(5000)).resolves.toBe(true);
    await server.whenWatching();
    server.put(pod('b', '10.0.0.2'));
    server.put(pod('a', '10.0.0.9'));
    server.delete(pod('b'));
    expect(events).toEqual(['add:a', 'add:b', 'update:a:10.0.0.1->10.0.0.9', 'delete:b']);
    expect(informer.list().map((p) => p.metadata.name)).toEqual(['a']);
    expect(informer.get('default/a')?.status?.podIP).toBe('10.0.0.9');
    expect(informer.getByName('a', 'default')).toBeDefined();
    expect(informer.byIndex('ip', '10.0.0.9').map((p) => p.metadata.name)).toEqual(['a']);
    expect(server.watchedFrom).toEqual(['101']);
    await informer.stop();
  });

  it('after a watch error, backs off, re-lists and reconciles what it missed', async () => {
    const { clock, server, informer, events, errors } = setup();
    server.put(pod('a', '1'));
    server.put(pod('b', '1'));
    informer.start();
    await server.whenWatching();
    const failure = new KubeTransportError('connection reset');
    server.endWatch(failure);
    server.putSilently(pod('a', '2'));
    server.deleteSilently(pod('b'));
    server.putSilently(pod('c', '1'));
    await settle();
    expect(errors).toEqual([failure]);
    expect(server.listCalls).toBe(1);
    await clock.advance(100);
    await server.whenWatching();
    expect(server.listCalls).toBe(2);
    expect(events).toEqual(['add:a', 'add:b', 'delete:b', 'update:a:1->2', 'add:c']);
    expect(
      informer
        .list()
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(['a', 'c']);
    await informer.stop();
  });

  it('keeps retrying a failing list with growing, bounded delays', async () => {
    const { clock, server, informer, errors } = setup();
    server.listFailures.push(new Error('1'), new Error('2'), new Error('3'), new Error('4'), new Error('5'));
    informer.start();
    for (const delay of [100, 200, 400, 800, 1000]) {
      await clock.whenSleeping();
      await clock.advance(delay - 1);
      const calls = server.listCalls;
      await clock.advance(1);
      await settle();
      expect(server.listCalls).toBe(calls + 1);
    }
    expect(errors).toHaveLength(5);
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });

  it('re-lists after a 410 ERROR event in the stream', async () => {
    const { clock, server, informer, errors } = setup();
    informer.start();
    await server.whenWatching();
    server.send('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version',
    });
    await settle();
    expect((errors[0] as KubeApiError).statusCode).toBe(410);
    await clock.advance(100);
    await server.whenWatching();
    expect(server.listCalls).toBe(2);
    await informer.stop();
  });

  it('re-watches from the last resourceVersion after a clean end that made progress (no list)', async () => {
    const { clock, server, informer } = setup();
    informer.start();
    await server.whenWatching();
    server.put(pod('a'));
    await clock.advance(5000);
    server.endWatch();
    await settle();
    await server.whenWatching();
    expect(server.listCalls).toBe(1);
    expect(server.watchedFrom).toEqual(['100', '101']);
    await informer.stop();
  });

  it('follows BOOKMARK resourceVersions', async () => {
    const { clock, server, informer, events } = setup();
    informer.start();
    await server.whenWatching();
    server.send('BOOKMARK', { metadata: { resourceVersion: '555' } });
    await clock.advance(2000);
    server.endWatch();
    await settle();
    expect(server.watchedFrom).toEqual(['100', '555']);
    expect(events).toEqual([]);
    await informer.stop();
  });

  it('treats a watch that ends at once without events as a failure (no tight loop)', async () => {
    const { clock, server, informer } = setup();
    informer.start();
    await server.whenWatching();
    server.endWatch();
    await settle();
    expect(server.watching).toBe(false);
    expect(clock.pendingSleeps()).toBe(1);
    await clock.advance(100);
    await server.whenWatching();
    expect(server.listCalls).toBe(2);
    await informer.stop();
  });

  it('re-lists after a watch that could not be established', async () => {
    const { clock, server, informer, errors } = setup();
    server.watchFailures.push(new KubeApiError(403, 'Forbidden', 'no watch for you'));
    informer.start();
    await clock.whenSleeping(1);
    await settle();
    expect(errors).toHaveLength(1);
    await clock.advance(100);
    await server.whenWatching();
    expect(server.listCalls).toBe(2);
    await informer.stop();
  });

  it('gives up on a stalled watch after its timeout plus grace, then re-lists', async () => {
    const { clock, server, informer, errors } = setup();
    informer.start();
    await server.whenWatching();
    await clock.advance(60_000 + 30_000);
    await settle();
    expect(String(errors[0])).toMatch(/stalled/);
    expect(server.watching).toBe(false);
    await clock.advance(100);
    await server.whenWatching();
    await informer.stop();
  });

  it('stop() ends the watch and leaves no sleeping timers; waitForSync answers false', async () => {
    const { clock, server, informer } = setup();
    server.listFailures.push(new Error('down'));
    informer.start();
    await clock.whenSleeping();
    const waiting = informer.waitForSync(10_000);
    await informer.stop();
    await expect(waiting).resolves.toBe(false);
    await settle();
    expect(clock.pendingSleeps()).toBe(0);

    informer.start();
    await server.whenWatching();
    await informer.stop();
    expect(server.watching).toBe(false);
    expect(clock.pendingSleeps()).toBe(0);
  });

  it('waitForSync times out on the clock', async () => {
    const { clock, server, informer } = setup();
    server.listFailures.push(new Error('down'));
    informer.start();
    const waiting = informer.waitForSync(50);
    await clock.advance(50);
    await expect(waiting).resolves.toBe(false);
    await informer.stop();
  });

  it('a throwing handler is reported and does not stop delivery', async () => {
    const { server, informer, events, errors } = setup();
    informer.onAdd(() => {
      throw new Error('handler bug');
    });
    informer.start();
    await server.whenWatching();
    server.put(pod('a'));
    server.put(pod('b'));
    expect(events).toEqual(['add:a', 'add:b']);
    expect(errors).toHaveLength(2);
    await informer.stop();
  });

  it('unsubscribes handlers', async () => {
    const { server, informer } = setup();
    const seen: string[] = [];
    const off = informer.onAdd((p) => seen.push(p.metadata.name));
    informer.start();
    await server.whenWatching();
    server.put(pod('a'));
    off();
    server.put(pod('b'));
    expect(seen).toEqual(['a']);
    await informer.stop();
  });

  it('applies the transform to listed and watched objects, skipping ones it rejects', async () => {
    const { server, informer, errors } = setup({
      transform: (p) => {
        if (p.metadata.name === 'bad') throw new Error('nope');
        return { ...p, metadata: { ...p.metadata, labels: { seen: 'yes' } } };
      },
    });
    server.put(pod('a'));
    informer.start();
    await server.whenWatching();
    server.put(pod('bad'));
    server.put(pod('b'));
    expect(informer.list().map((p) => [p.metadata.name, p.metadata.labels?.seen])).toEqual([
      ['a', 'yes'],
      ['b', 'yes'],
    ]);
    expect(errors).toHaveLength(1);
    await informer.stop();
  });

  it('counts lists, watches and failures', async () => {
    const { server, informer } = setup();
    informer.start();
    await server.whenWatching();
    expect(informer.stats()).toEqual({ lists: 1, watches: 1, failures: 0 });
    await informer.stop();
  });
});
