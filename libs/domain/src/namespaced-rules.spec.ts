import { isNamespacedIdentity, namespacedRuleAllows } from './namespaced-rules';

const id = (
  ns: string,
  annotated = false,
): { metadata: { namespace: string; annotations: Record<string, string> } } => ({
  metadata: {
    namespace: ns,
    annotations: annotated ? { 'aadpodidentity.k8s.io/Behavior': 'Namespaced' } : {},
  },
});

describe('namespaced rules', () => {
  it('reads the annotation ignoring value case', () => {
    expect(isNamespacedIdentity(id('a', true))).toBe(true);
    expect(isNamespacedIdentity(id('a'))).toBe(false);
  });
  it.each([
    ['not forced, not annotated: anything goes', false, id('x'), 'y', 'z', true],
    ['forced: all in one namespace', true, id('a'), 'a', 'a', true],
    ['forced: identity elsewhere', true, id('b'), 'a', 'a', false],
    ['forced: binding elsewhere', true, id('a'), 'b', 'a', false],
    ['annotated identity, not forced, cross namespace', false, id('a', true), 'a', 'b', false],
    ['forced: binding namespace unknown', true, id('a'), undefined, 'a', false],
  ])('%s', (_n, forceNamespaced, identity, bindingNamespace, podNamespace, expected) => {
    expect(namespacedRuleAllows({ forceNamespaced, identity, bindingNamespace, podNamespace })).toBe(
      expected,
    );
  });
});
