import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { podChangeMatters, toNodeInfo, toPodInfo } from './world';
import { slimNode, slimPod, withoutManagedFields } from './slim';

const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': {} } }];

const fullPod: V1Pod = {
  metadata: {
    name: 'p',
    namespace: 'app',
    uid: 'u1',
    resourceVersion: '7',
    labels: { aadpodidbinding: 'sel', app: 'web', tier: 'x' },
    annotations: { big: 'x'.repeat(1000) },
    managedFields,
  },
  spec: { nodeName: 'n0', containers: [{ name: 'c', image: 'img', env: [{ name: 'A', value: 'b' }] }] },
  status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
};

describe('slim objects', () => {
  it('keeps what the planner reads of a pod, and nothing else', () => {
    const slim = slimPod(fullPod);
    expect(toPodInfo(slim)).toEqual({ ...toPodInfo(fullPod), labels: { aadpodidbinding: 'sel' } });
    expect(slim.metadata).toEqual({
      name: 'p',
      namespace: 'app',
      uid: 'u1',
      resourceVersion: '7',
      labels: { aadpodidbinding: 'sel' },
    });
    expect(JSON.stringify(slim).length).toBeLessThan(250);
  });

  it('sees the same pod changes as the full objects do', () => {
    const moved: V1Pod = { ...fullPod, spec: { containers: [], ...fullPod.spec, nodeName: 'n1' } };
    const relabelled: V1Pod = {
      ...fullPod,
      metadata: { ...fullPod.metadata, labels: { aadpodidbinding: 'other', app: 'web' } },
    };
    const done: V1Pod = { ...fullPod, status: { phase: 'Succeeded' } };
    const unrelated: V1Pod = {
      ...fullPod,
      metadata: { ...fullPod.metadata, labels: { aadpodidbinding: 'sel', app: 'api' } },
    };
    for (const next of [moved, relabelled, done, unrelated]) {
      expect(podChangeMatters(slimPod(next), slimPod(fullPod))).toBe(podChangeMatters(next, fullPod));
    }
  });

  it('keeps a pod without the label unlabelled, and a terminating pod terminating', () => {
    const slim = slimPod({ metadata: { name: 'p', deletionTimestamp: new Date(0) } });
    expect(slim.metadata?.labels).toEqual({});
    expect(slim.metadata?.deletionTimestamp).toEqual(new Date(0));
  });

  it('keeps a node name and providerID only', () => {
    const node: V1Node = {
      metadata: { name: 'n0', resourceVersion: '3', managedFields },
      spec: { providerID: 'azure:///x' },
      status: { images: [{ names: ['a'], sizeBytes: 1 }] },
    };
    expect(slimNode(node)).toEqual({
      metadata: { name: 'n0', namespace: undefined, uid: undefined, resourceVersion: '3' },
      spec: { providerID: 'azure:///x' },
    });
    expect(toNodeInfo(slimNode(node))).toEqual(toNodeInfo(node));
  });

  it('drops managedFields of our objects and keeps the rest as is', () => {
    const obj = { metadata: { name: 'a', resourceVersion: '1', managedFields }, spec: { x: 1 } };
    expect(withoutManagedFields(obj)).toEqual({
      metadata: { name: 'a', resourceVersion: '1' },
      spec: { x: 1 },
    });
    const bare = { metadata: { name: 'b' } };
    expect(withoutManagedFields(bare)).toBe(bare);
  });
});
