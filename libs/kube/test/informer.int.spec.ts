// The restarting informer against a real kube-apiserver: field selectors, add/update/delete, the IP
// index, and continued operation after the apiserver restarts. This file starts its own control
// plane so that restarting it does not disturb other files.
import type { V1Pod } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '@pod-identity/envtest';
import { type Informer, KubeHttp, loadKubeConfig, podInformer } from '../src';
import { createNamespace, eventually, pod } from './support';

const IP_INDEX = 'ip';

describe('podInformer on a real apiserver', () => {
  let plane: ControlPlane;
  let http: KubeHttp;
  let ns: string;
  let informer: Informer<V1Pod> | undefined;
  const events: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    plane = await startControlPlane({ startupTimeoutMs: 90_000 });
    http = new KubeHttp(loadKubeConfig({ kubeconfigPath: plane.kubeconfigPath }), { timeoutMs: 10_000 });
    ns = await createNamespace(http, 'informer');
  });

  afterAll(async () => {
    await informer?.stop();
    await plane?.stop();
  });

  const podsPath = (): string => `/api/v1/namespaces/${ns}/pods`;

  it('sees only its node, with add, update and delete, and indexes pod IPs', async () => {
    await http.request({ method: 'POST', path: podsPath(), body: pod('before', ns, 'node-a') });
    informer = podInformer(http, {
      fieldSelector: 'spec.nodeName=node-a',
      backoff: { initialMs: 100, maxMs: 1000 },
      indexes: { [IP_INDEX]: (p) => (p.status?.podIPs ?? []).map((x) => x.ip) },
    });
    informer.onAdd((p) => events.push(`add:${p.metadata?.name}`));
    informer.onUpdate((p) => events.push(`update:${p.metadata?.name}`));
    informer.onDelete((p) => events.push(`delete:${p.metadata?.name}`));
    informer.onError((err) => errors.push(err));
    informer.start();
    await expect(informer.waitForSync(20_000)).resolves.toBe(true);
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['before']);

    await http.request({ method: 'POST', path: podsPath(), body: pod('mine', ns, 'node-a') });
    await http.request({ method: 'POST', path: podsPath(), body: pod('other-node', ns, 'node-b') });
    await eventually(() => expect(informer?.get(`${ns}/mine`)).toBeDefined());

    // Pods get 127.0.0.0/8 addresses in these tests (set on status, as a kubelet would).
    const current = await http.request<V1Pod>({ method: 'GET', path: `${podsPath()}/mine` });
    await http.request({
      method: 'PUT',
      path: `${podsPath()}/mine/status`,
      body: { ...current, status: { phase: 'Running', podIP: '127.0.0.12', podIPs: [{ ip: '127.0.0.12' }] } },
    });
    await eventually(() =>
      expect(informer?.byIndex(IP_INDEX, '127.0.0.12').map((p) => p.metadata?.name)).toEqual(['mine']),
    );

    await http.request({ method: 'DELETE', path: `${podsPath()}/before`, query: { gracePeriodSeconds: 0 } });
    await eventually(() => expect(informer?.get(`${ns}/before`)).toBeUndefined());

    // A pod delete is graceful: MODIFIED (deletionTimestamp) first, then DELETED.
    expect(events).toEqual(['add:before', 'add:mine', 'update:mine', 'update:before', 'delete:before']);
    expect(informer.list().some((p) => p.metadata?.name === 'other-node')).toBe(false);
  });

  it('keeps working after the apiserver restarts', async () => {
    if (!informer) throw new Error('previous test did not start the informer');
    await plane.restartApiServer();
    await http.request({ method: 'POST', path: podsPath(), body: pod('after-restart', ns, 'node-a') });
    await eventually(() => expect(informer?.get(`${ns}/after-restart`)).toBeDefined(), 60_000);

    await http.request({ method: 'DELETE', path: `${podsPath()}/mine`, query: { gracePeriodSeconds: 0 } });
    await eventually(() => expect(informer?.get(`${ns}/mine`)).toBeUndefined(), 30_000);
    expect(events.slice(-3)).toEqual(['add:after-restart', 'update:mine', 'delete:mine']);
    expect(informer.hasSynced()).toBe(true);
    // The restart was noticed as a failed or ended watch and recovered from by re-listing.
    expect(informer.stats().lists).toBeGreaterThan(1);
  });

  it('stops cleanly', async () => {
    await informer?.stop();
    const count = events.length;
    await http.request({ method: 'POST', path: podsPath(), body: pod('after-stop', ns, 'node-a') });
    // A fresh informer sees the pod, proving it exists, while the stopped one got no event.
    const probe = podInformer(http, { fieldSelector: 'spec.nodeName=node-a' });
    probe.start();
    await expect(probe.waitForSync(20_000)).resolves.toBe(true);
    expect(probe.get(`${ns}/after-stop`)).toBeDefined();
    await probe.stop();
    expect(events).toHaveLength(count);
  });
});
