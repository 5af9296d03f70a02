import type { V1Pod } from '@kubernetes/client-node';
import { podChangeMatters, toNodeInfo, toPodInfo } from './world';

const pod = (over: { node?: string; label?: string; phase?: string; other?: string }): V1Pod => ({
  metadata: {
    name: 'p',
    namespace: 'n',
    labels: {
      ...(over.label ? { aadpodidbinding: over.label } : {}),
      ...(over.other ? { x: over.other } : {}),
    },
  },
  spec: { nodeName: over.node, containers: [] },
  status: { phase: over.phase },
});

describe('world helpers', () => {
  it('marks dirty only for pod changes that matter', () => {
    const base = pod({ node: 'a', label: 's', phase: 'Running' });
    expect(podChangeMatters(pod({ node: 'b', label: 's', phase: 'Running' }), base)).toBe(true);
    expect(podChangeMatters(pod({ node: 'a', label: 't', phase: 'Running' }), base)).toBe(true);
    expect(podChangeMatters(pod({ node: 'a', label: 's', phase: 'Succeeded' }), base)).toBe(true);
    expect(podChangeMatters(pod({ node: 'a', label: 's', phase: 'Running', other: 'x' }), base)).toBe(false);
    expect(podChangeMatters(pod({ node: 'a', label: 's', phase: 'Pending' }), base)).toBe(false);
  });

  it('converts pods and nodes', () => {
    expect(toPodInfo(pod({ node: 'a', label: 's', phase: 'Running' }))).toEqual({
      name: 'p',
      namespace: 'n',
      nodeName: 'a',
      phase: 'Running',
      labels: { aadpodidbinding: 's' },
    });
    expect(toNodeInfo({ metadata: { name: 'n' }, spec: { providerID: 'azure:///x' } })).toEqual({
      name: 'n',
      providerID: 'azure:///x',
    });
  });
});
