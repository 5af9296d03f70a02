import {
  CHAIN,
  desiredRules,
  dnatTarget,
  expectedListing,
  kubeletUsesKubenet,
  planReconcile,
  planUninstall,
} from './rules';

const set = desiredRules({
  metadataIp: '169.254.169.254',
  metadataPort: 80,
  targetIp: '127.0.0.1',
  targetPort: 2579,
});
const expected = expectedListing(set);

describe('iptables rule set', () => {
  it('matches what iptables -S prints for the original chain', () => {
    expect(expected).toEqual([
      '-N aad-metadata',
      '-A aad-metadata ! -s 127.0.0.1/32 -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 127.0.0.1:2579',
      '-A aad-metadata -j RETURN',
    ]);
  });

  it.each([
    [
      'fresh node',
      { chainListing: undefined, jumpPresent: false },
      [['-N', CHAIN], ...set.rules, ['-I', 'PREROUTING', '1', '-j', CHAIN]],
    ],
    ['already correct: nothing to do (idempotent)', { chainListing: expected, jumpPresent: true }, []],
    ['correct with trailing blank line', { chainListing: [...expected, ''], jumpPresent: true }, []],
    [
      'jump missing only',
      { chainListing: expected, jumpPresent: false },
      [['-I', 'PREROUTING', '1', '-j', CHAIN]],
    ],
    [
      'tampered rule',
      { chainListing: [expected[0], '-A aad-metadata -j RETURN'], jumpPresent: true },
      [['-F', CHAIN], ...set.rules],
    ],
    [
      'extra rule',
      { chainListing: [...expected, '-A aad-metadata -j ACCEPT'], jumpPresent: true },
      [['-F', CHAIN], ...set.rules],
    ],
    ['empty chain', { chainListing: ['-N aad-metadata'], jumpPresent: true }, [['-F', CHAIN], ...set.rules]],
  ])('%s', (_name, observed, commands) => {
    expect(planReconcile(observed, set)).toEqual(commands);
  });

  it('other port and target', () => {
    const other = desiredRules({
      metadataIp: '169.254.169.254',
      metadataPort: 80,
      targetIp: '10.0.0.4',
      targetPort: 3000,
    });
    expect(expectedListing(other)[1]).toContain('--to-destination 10.0.0.4:3000');
  });

  it.each([
    ['127.0.0.1', undefined, '127.0.0.1'],
    ['0.0.0.0', undefined, '127.0.0.1'],
    ['0.0.0.0', '10.0.0.4', '10.0.0.4'],
    ['10.1.2.3', '10.0.0.4', '10.1.2.3'],
  ])('dnat target for listen %s host %s → %s', (listen, host, target) => {
    expect(dnatTarget(listen, host)).toBe(target);
  });

  it('uninstall removes the jump and the chain, and only when present', () => {
    expect(planUninstall({ chainListing: expected, jumpPresent: true }, set)).toEqual([
      ['-D', 'PREROUTING', '-j', CHAIN],
      ['-F', CHAIN],
      ['-X', CHAIN],
    ]);
    expect(planUninstall({ chainListing: undefined, jumpPresent: false }, set)).toEqual([]);
  });

  it.each([
    ['KUBELET_FLAGS=--network-plugin=kubenet --max-pods=110', true],
    ['KUBELET_FLAGS=--network-plugin kubenet', true],
    ['KUBELET_FLAGS=--network-plugin=cni', false],
    ['', false],
  ])('kubenet detection: %s', (text, expectedResult) => {
    expect(kubeletUsesKubenet(text)).toBe(expectedResult);
  });
});
