import type { V1Pod } from '@kubernetes/client-node';
import { FakeListerWatcher, Informer } from '@pod-identity/kube';
import { pollUntil } from '@pod-identity/platform';
import { PodIndex } from '../identity/pod-index';
import { POD_IP_INDEX, podIpIndex, type PodRecord } from '../identity/views';
import { informerFeed } from './feeds';
import { informerView } from './informer-view';
import { toPodRecord } from './pod-info';

let version = 0;
function pod(name: string, ip: string, phase = 'Running'): V1Pod {
  version++;
  return {
    metadata: { namespace: 'ns', name, uid: `uid-${name}`, resourceVersion: String(version) },
    status: { phase, podIP: ip, podIPs: [{ ip }] },
  };
}

function podInformer(
  server: FakeListerWatcher<V1Pod>,
  extra: { backoff?: { initialMs: number; maxMs: number } } = {},
): Informer<PodRecord, V1Pod> {
  return new Informer<PodRecord, V1Pod>({
    listerWatcher: server,
    transform: toPodRecord,
    indexes: { [POD_IP_INDEX]: podIpIndex },
    ...extra,
  });
}

async function until(check: () => boolean): Promise<void> {
  await pollUntil('the view to follow the informer', check, { timeoutMs: 1000, intervalMs: 5 });
}

describe('informerFeed and informerView over the libs/kube Informer', () => {
  it("reads pods from the informer's own store and IP index, follows add/update/delete, and reports synced", async () => {
    const server = new FakeListerWatcher<V1Pod>();
    server.put(pod('a', '10.0.0.1'));
    const informer = podInformer(server);
    const view = new PodIndex(informerView(informer));
    const errors: string[] = [];
    const feed = informerFeed('pods', informer, { syncWaitMs: 5000, onError: (name) => errors.push(name) });
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
    const informer = podInformer(server, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    const slow: string[] = [];
    const errors: string[] = [];
    const feed = informerFeed('pods', informer, {
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
