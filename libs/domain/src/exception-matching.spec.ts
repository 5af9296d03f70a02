import { findPodException, labelsMatchException } from './exception-matching';

describe('labelsMatchException', () => {
  it.each([
    ['one pair matches', { app: 'mic', x: 'y' }, { app: 'mic' }, true],
    ['value ignores case', { app: 'MIC' }, { app: 'mic' }, true],
    ['any one of several pairs', { component: 'mic' }, { app: 'mic', component: 'mic' }, true],
    ['key is case-sensitive', { App: 'mic' }, { app: 'mic' }, false],
    ['different value', { app: 'other' }, { app: 'mic' }, false],
    ['no labels on exception', { app: 'mic' }, undefined, false],
    ['empty exception', { app: 'mic' }, {}, false],
  ])('%s', (_name, pod, exc, expected) => {
    expect(labelsMatchException(pod, exc)).toBe(expected);
  });
});

describe('findPodException', () => {
  const exc = (ns: string, name: string, labels: Record<string, string>) => ({
    metadata: { namespace: ns, name },
    spec: { podLabels: labels },
  });
  it('only considers exceptions of the pod namespace', () => {
    const pod = { namespace: 'a', labels: { app: 'mic' } };
    expect(findPodException(pod, [exc('b', 'e', { app: 'mic' })])).toBeUndefined();
    expect(findPodException(pod, [exc('a', 'e', { app: 'mic' })])?.metadata.name).toBe('e');
  });
  it('is deterministic (first by name)', () => {
    const pod = { namespace: 'a', labels: { app: 'mic' } };
    const found = findPodException(pod, [exc('a', 'z', { app: 'mic' }), exc('a', 'b', { app: 'mic' })]);
    expect(found?.metadata.name).toBe('b');
  });
});
