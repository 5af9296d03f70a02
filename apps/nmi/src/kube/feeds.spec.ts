import type { V1Pod } from '@kubernetes/client-node';
import { FakeListerWatcher, Informer } from '@pod-identity/kube';
import { PodIndex } from '../identity/pod-index';
import { informerFeed } from './feeds';
import { toPodInfo } from './pod-info';
import { pollUntil } from '@pod-identity/platform';

function pod(name: string, ip: string, phase = 'Running'): V1Pod {
  return { metadata: { namespace: 'ns', name, uid: `uid-${name}` }, status: { phase, podIP: ip, podIPs: [{ ip }] } };
}

async function until(check: () => boolean): Promise<void> {
  await pollUntil('the view to follow the informer', check, { timeoutMs: 1000, intervalMs: 5 });
}

describe('informerFeed over the libs/kube Informer', () => {
  it('fills the view from the first list, follows add/update/delete, and reports synced', async () => {
    const server = new FakeListerWatcher<V1Pod>();
    server.put(pod('a', '10.0.0.1'));
    const informer = new Informer<V1Pod>({ listerWatcher: server });
    const view = new PodIndex();
    const errors: string[] = [];
    const feed = informerFeed('pods', informer, view, toPodInfo, { syncWaitMs: 5000, onError: (name) => errors.push(name) });
    expect(feed.synced()).toBe(false);
    await feed.start();
    expect(feed.synced()).toBe(true);
    expect(view.podsWithIp('10.0.0.1').map((p) => p.name)).toEqual(['a']);

    await server.whenWatching();
    server.put(pod('b', '10.0.0.2'));
    await until(() => view.podsWithIp('10.0.0.2').length === 1);
    server.put(pod('b', '10.0.0.2', 'Succeeded'));
    await until(() => view.podsWithIp('10.0.0.2').length === 0);
    server.delete(pod('a', '10.0.0.1'));
    await until(() => view.size() === 1);
    await feed.stop();
    expect(errors).toEqual([]);
  });

  it('does not block start for longer than the sync bound, and says so', async () => {
    const server = new FakeListerWatcher<V1Pod>();
    server.listFailures.push(new Error('apiserver down'));
    const informer = new Informer<V1Pod>({ listerWatcher: server, backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const slow: string[] = [];
    const errors: string[] = [];
    const feed = informerFeed('pods', informer, new PodIndex(), toPodInfo, {
      syncWaitMs: 20,
      onError: (name) => errors.push(name),
      onSlowSync: (name) => slow.push(name),
    });
    await feed.start();
    expect(feed.synced()).toBe(false);
    expect(slow).toEqual(['pods']);
    expect(errors).toEqual(['pods']);
    await feed.stop();
  });
});
