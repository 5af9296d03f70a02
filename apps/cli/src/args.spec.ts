import { parseArgs, podName, UsageError } from './args';

describe('kubectl pod-identity command line', () => {
  it("explain takes pod/<name> in kubectl's spellings, flags in both forms, before or after", () => {
    expect(parseArgs(['explain', 'pod/web', '-n', 'shop', '-o', 'json'])).toMatchObject({
      kind: 'explain',
      pod: 'web',
      azure: false,
      options: { namespace: 'shop', output: 'json', systemNamespace: 'pod-identity-system' },
    });
    expect(
      parseArgs(['--namespace=shop', 'explain', 'pods/web', '--azure', '--cloudconfig', '/etc/azure.json']),
    ).toMatchObject({ kind: 'explain', pod: 'web', azure: true, cloudConfig: '/etc/azure.json' });
    expect(podName('web')).toBe('web');
    expect(podName('po/web-7d9f')).toBe('web-7d9f');
  });

  it.each([
    [['explain'], 'explain needs a pod'],
    [['explain', 'deploy/web'], 'is not a pod'],
    [['explain', 'pod/web', '-o', 'yaml'], '-o yaml: use json'],
    [['explain', 'pod/web', '-n'], 'flag -n needs a value'],
    [['status', '--bogus'], 'unknown flag --bogus'],
    [['status', 'extra'], 'unexpected argument "extra"'],
    [['migrate', '--to', 'aks'], 'migrate needs --to workload-identity'],
    [['frobnicate'], 'unknown command "frobnicate"'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('help without a command, with -h, and the version', () => {
    expect(parseArgs([])).toEqual({ kind: 'help' });
    expect(parseArgs(['status', '-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect(parseArgs(['migrate', '--to=workload-identity', '-A', '--issuer', 'https://x/'])).toMatchObject({
      kind: 'migrate',
      issuer: 'https://x/',
      options: { allNamespaces: true },
    });
  });
});
