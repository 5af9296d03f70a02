import { findFlag, parseHelp } from './help';

const HELP = `Usage: app [flags]

Summary line.

Flags:
  --node string
        name of the node (env NODE_NAME; required)
  --mode string
        how to run (one of: standard, managed; default "standard")
  --forceNamespaced
        namespaced rules (default true; env FORCENAMESPACED)
  --interval, --ipTableUpdateTimeIntervalInSeconds duration
        how often (0 disables it) (default 1m0s)
  --instance string
        who (default: host name) (env HOSTNAME)
  --long int
        a description that goes on
        over two lines (default 3)
  -h, --help
        show this help and exit

Flags take one or two dashes.
`;

describe('parseHelp', () => {
  const flags = parseHelp(HELP);

  it('lists every flag with its aliases and type', () => {
    expect(flags.map((f) => f.names)).toEqual([
      ['node'],
      ['mode'],
      ['forceNamespaced'],
      ['interval', 'ipTableUpdateTimeIntervalInSeconds'],
      ['instance'],
      ['long'],
      ['h', 'help'],
    ]);
    expect(findFlag(flags, 'forceNamespaced')?.type).toBeUndefined();
    expect(findFlag(flags, 'ipTableUpdateTimeIntervalInSeconds')?.type).toBe('duration');
  });

  it('reads env, required, choices and defaults from the trailing group', () => {
    expect(findFlag(flags, 'node')).toMatchObject({
      env: 'NODE_NAME',
      required: true,
      description: 'name of the node',
    });
    expect(findFlag(flags, 'mode')).toMatchObject({
      choices: ['standard', 'managed'],
      defaultValue: 'standard',
      required: false,
    });
    expect(findFlag(flags, 'forceNamespaced')).toMatchObject({
      defaultValue: 'true',
      env: 'FORCENAMESPACED',
    });
    expect(findFlag(flags, 'interval')).toMatchObject({
      defaultValue: '1m0s',
      description: 'how often (0 disables it)',
    });
    expect(findFlag(flags, 'instance')).toMatchObject({
      env: 'HOSTNAME',
      description: 'who (default: host name)',
    });
    expect(findFlag(flags, 'long')).toMatchObject({
      defaultValue: '3',
      description: 'a description that goes on over two lines',
    });
  });
});
