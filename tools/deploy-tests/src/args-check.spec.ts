import { checkContainer, effectiveValue } from './args-check';
import { parseHelp } from './help';

const flags = parseHelp(`Flags:
  --node string
        node (env NODE_NAME; required)
  --mode string
        mode (one of: standard, managed; default "standard")
  --forceNamespaced
        namespaced (default true; env FORCENAMESPACED)
  --port int
        port (default 8085)
  --grace duration
        grace (default 10s)
  --instance string
        who (env HOSTNAME)
`);

const nodeEnv = [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }];

describe('checkContainer', () => {
  it('accepts known flags with valid values, in both spellings and forms', () => {
    const args = [
      '--mode=managed',
      '-forceNamespaced=false',
      '--port',
      '9000',
      '--grace=1m30s',
      '--forceNamespaced',
    ];
    expect(checkContainer(flags, { name: 'c', args, env: nodeEnv })).toEqual([]);
  });

  it('reports unknown flags, bad values and a missing value', () => {
    const problems = checkContainer(flags, {
      name: 'c',
      args: [
        '--nope',
        '--mode=other',
        '--forceNamespaced=yes',
        '--port=x',
        '--grace=soon',
        'positional',
        '--node',
      ],
      env: nodeEnv,
    });
    expect(problems).toEqual([
      'arg "--nope": no such flag',
      'arg "--mode=other": --mode must be one of standard, managed',
      'arg "--forceNamespaced=yes": --forceNamespaced takes true or false',
      'arg "--port=x": --port must be an integer',
      'arg "--grace=soon": --grace must be a duration like 30s or 5m',
      'arg "positional": not a flag',
      'arg "--node": needs a value',
    ]);
  });

  it('checks env: read by a flag, referenced by args, or allowed explicitly', () => {
    const env = [...nodeEnv, { name: 'POD_NAME' }, { name: 'EXTRA' }, { name: 'STRAY', value: 'x' }];
    expect(
      checkContainer(flags, { name: 'c', args: ['--instance=$(POD_NAME)', '--port=$(PORT)'], env }, [
        'EXTRA',
      ]),
    ).toEqual(['$(PORT) is used in args but not defined in env', 'env STRAY is read by no flag of the app']);
  });

  it('reports a required flag given neither as arg nor env', () => {
    expect(checkContainer(flags, { name: 'c', args: [] })).toEqual([
      'required flag --node is not given (nor env NODE_NAME)',
    ]);
    expect(checkContainer(flags, { name: 'c', args: ['--node', 'n1'] })).toEqual([]);
  });
});

describe('effectiveValue', () => {
  it('takes the last occurrence, else the default', () => {
    expect(effectiveValue(flags, { name: 'c', args: ['--port=1', '--port=2'] }, 'port')).toBe('2');
    expect(effectiveValue(flags, { name: 'c', args: [] }, 'port')).toBe('8085');
    expect(effectiveValue(flags, { name: 'c', args: [] }, 'missing')).toBeUndefined();
  });
});
