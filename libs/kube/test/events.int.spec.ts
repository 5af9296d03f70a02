// Events recorded on the real apiserver, aggregated by count.
import { EventRecorder, HttpEventSink, KubeHttp } from '../src';
import { createNamespace, envtestKubeConfig, pod } from './support';

interface EventList {
  items: Array<{
    reason: string;
    message: string;
    count: number;
    type: string;
    involvedObject: { name: string; uid?: string };
  }>;
}

describe('EventRecorder on a real apiserver', () => {
  it('creates Events on the involved object and bumps count for repeats', async () => {
    const http = new KubeHttp(envtestKubeConfig());
    const ns = await createNamespace(http, 'events');
    const created = await http.request<{ metadata: { name: string; uid: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${ns}/pods`,
      body: pod('web', ns, 'node-a'),
    });
    const recorder = new EventRecorder({
      sink: new HttpEventSink(http),
      component: 'mic',
      instance: 'mic-0',
    });
    const ref = { kind: 'Pod', apiVersion: 'v1', name: 'web', namespace: ns, uid: created.metadata.uid };
    recorder.event(
      ref,
      'Warning',
      'AssignFailed',
      'LinkedAuthorizationFailed for client_secret=hunter2hunter2',
    );
    recorder.event(
      ref,
      'Warning',
      'AssignFailed',
      'LinkedAuthorizationFailed for client_secret=hunter2hunter2',
    );
    recorder.event(ref, 'Normal', 'Assigned', 'identity assigned');
    await recorder.flush();

    const list = await http.request<EventList>({
      method: 'GET',
      path: `/api/v1/namespaces/${ns}/events`,
      query: { fieldSelector: 'involvedObject.name=web' },
    });
    const byReason = Object.fromEntries(list.items.map((e) => [e.reason, e]));
    expect(list.items).toHaveLength(2);
    expect(byReason.AssignFailed).toMatchObject({
      count: 2,
      type: 'Warning',
      involvedObject: { uid: created.metadata.uid },
    });
    expect(byReason.AssignFailed.message).not.toContain('hunter2');
    expect(byReason.Assigned).toMatchObject({ count: 1, type: 'Normal' });
  });
});
