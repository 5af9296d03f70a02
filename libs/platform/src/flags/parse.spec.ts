import { FlagError, defineFlags } from './types';
import { KLOG_FLAGS } from './klog';
import { parseFlags } from './parse';

const specs = defineFlags({
  node: { type: 'string', description: 'node name', env: 'NODE_NAME', required: true },
  'nmi-port': { type: 'int', description: 'port', default: 2579, min: 1, max: 65535 },
  forceNamespaced: { type: 'boolean', description: 'namespaced', env: 'FORCENAMESPACED' },
  enableScaleFeatures: { type: 'boolean', description: 'scale', default: true },
  'operation-mode': {
    type: 'string',
    description: 'mode',
    default: 'standard',
    choices: ['standard', 'managed'],
  },
  syncRetryDuration: { type: 'duration', description: 'resync', default: 3_600_000, min: 1000 },
  'find-identity-retry-interval': {
    type: 'duration',
    description: 'retry',
    default: 5000,
    bareNumberUnit: 's',
  },
  'immutable-user-msis': { type: 'list', description: 'immutable' },
  'metadata-ip': { type: 'string', description: 'imds ip', aliases: ['metadataIP'] },
});

function parse(argv: string[], env: Record<string, string> = {}) {
  return parseFlags(specs, { argv, env, ignore: { logtostderr: 'boolean', v: 'value' } });
}

function issues(argv: string[], env: Record<string, string> = {}): readonly string[] {
  try {
    parse(argv, env);
  } catch (err) {
    if (err instanceof FlagError) return err.issues;
    throw err;
  }
  throw new Error('expected a FlagError');
}

describe('parseFlags', () => {
  it('applies defaults', () => {
    const { values, sources } = parse(['--node=n1']);
    expect(values).toEqual({
      node: 'n1',
      'nmi-port': 2579,
      forceNamespaced: false,
      enableScaleFeatures: true,
      'operation-mode': 'standard',
      syncRetryDuration: 3_600_000,
      'find-identity-retry-interval': 5000,
      'immutable-user-msis': [],
      'metadata-ip': undefined,
    });
    expect(sources.node).toBe('argv');
    expect(sources['nmi-port']).toBe('default');
    expect(sources['metadata-ip']).toBe('unset');
  });

  it.each([[['--node=n1']], [['--node', 'n1']], [['-node=n1']], [['-node', 'n1']]])(
    'accepts Go-style spellings %j',
    (argv) => {
      expect(parse(argv).values.node).toBe('n1');
    },
  );

  it.each([
    [['--forceNamespaced'], true],
    [['-forceNamespaced'], true],
    [['--forceNamespaced=true'], true],
    [['--forceNamespaced=false'], false],
    [['--forceNamespaced=FALSE'], false],
    [['--forceNamespaced=1'], true],
    [['--forceNamespaced=0'], false],
    [['--forceNamespaced', '--forceNamespaced=false'], false],
  ])('booleans: %j -> %s', (argv, value) => {
    expect(parse(['--node=n', ...argv]).values.forceNamespaced).toBe(value);
  });

  it('turns a default-true boolean off with =false', () => {
    expect(parse(['--node=n', '--enableScaleFeatures=false']).values.enableScaleFeatures).toBe(false);
  });

  it('a boolean does not swallow the next argument', () => {
    const { values } = parse(['--forceNamespaced', '--node', 'n1']);
    expect(values).toMatchObject({ forceNamespaced: true, node: 'n1' });
  });

  it('takes the last value of a repeated scalar flag, as Go does', () => {
    expect(parse(['--node=a', '--node=b']).values.node).toBe('b');
  });

  it('takes a value that starts with a dash after a space', () => {
    expect(parse(['--node', '-odd-name']).values.node).toBe('-odd-name');
  });

  it('falls back to env, and argv wins over env', () => {
    expect(parse([], { NODE_NAME: 'from-env' }).values.node).toBe('from-env');
    expect(parse([], { NODE_NAME: 'from-env' }).sources.node).toBe('env');
    expect(parse(['--node=argv'], { NODE_NAME: 'from-env' }).values.node).toBe('argv');
    expect(parse(['--node=n'], { FORCENAMESPACED: 'true' }).values.forceNamespaced).toBe(true);
  });

  it('ignores an empty env variable', () => {
    expect(issues([], { NODE_NAME: '' })).toEqual([
      'flag --node is required: pass --node=<string> or set env NODE_NAME',
    ]);
  });

  it('parses durations, including bare seconds where allowed', () => {
    const { values } = parse(['--node=n', '--syncRetryDuration=3m', '--find-identity-retry-interval=2']);
    expect(values.syncRetryDuration).toBe(180_000);
    expect(values['find-identity-retry-interval']).toBe(2000);
    expect(
      parse(['--node=n', '--find-identity-retry-interval=500ms']).values['find-identity-retry-interval'],
    ).toBe(500);
  });

  it('matches choices case-insensitively and returns the declared spelling', () => {
    expect(parse(['--node=n', '--operation-mode=Managed']).values['operation-mode']).toBe('managed');
  });

  it('splits lists on commas and concatenates repeats', () => {
    const { values } = parse(['--node=n', '--immutable-user-msis=a, b', '--immutable-user-msis', 'c,,']);
    expect(values['immutable-user-msis']).toEqual(['a', 'b', 'c']);
  });

  it('accepts aliases and warns that they are deprecated', () => {
    const result = parse(['--node=n', '--metadataIP=10.0.0.1']);
    expect(result.values['metadata-ip']).toBe('10.0.0.1');
    expect(result.warnings).toEqual(['flag --metadataIP is deprecated: use --metadata-ip']);
  });

  it.each(Object.entries(KLOG_FLAGS))(
    'accepts and ignores klog flag %s (%s) in every Go spelling',
    (name, kind) => {
      const forms: string[][] =
        kind === 'value'
          ? [[`--${name}`, 'x'], [`-${name}`, 'x'], [`--${name}=x`], [`-${name}=x`]]
          : [[`--${name}`], [`-${name}`], [`--${name}=false`], [`-${name}=true`]];
      for (const form of forms) {
        const result = parseFlags(specs, { argv: [...form, '--node', 'n1'], ignore: KLOG_FLAGS });
        expect(result.values.node).toBe('n1');
        expect(result.warnings).toEqual([`flag --${name} is accepted for compatibility and ignored`]);
      }
    },
  );

  it('an ignored flag that takes a value takes the next argument, as Go does', () => {
    expect(parse(['-v', '2', '--node', 'n1']).values.node).toBe('n1');
    expect(issues(['--node=n1', '-v'])).toEqual(['flag --v needs a value (--v=<value>)']);
  });

  it('an ignored boolean does not swallow the next argument', () => {
    expect(parse(['--logtostderr', '--node', 'n1']).values.node).toBe('n1');
    expect(issues(['--node=n1', '--logtostderr', 'false'])).toEqual([
      'unexpected argument "false": flags only (use --flag=value)',
    ]);
  });

  it.each([
    [['--nmi-port', '2580'], 'nmi-port', 2580],
    [['--syncRetryDuration', '90s'], 'syncRetryDuration', 90_000],
    [['--operation-mode', 'managed'], 'operation-mode', 'managed'],
    [['--immutable-user-msis', 'a,b'], 'immutable-user-msis', ['a', 'b']],
  ])('every value type takes the next argument: %j', (argv, name, value) => {
    expect(parse(['--node', 'n1', ...argv]).values[name as keyof typeof specs]).toEqual(value);
  });

  it('accepts ignored flags with a warning', () => {
    const result = parse(['--node=n', '--logtostderr', '-v=2']);
    expect(result.warnings).toEqual([
      'flag --logtostderr is accepted for compatibility and ignored',
      'flag --v is accepted for compatibility and ignored',
    ]);
  });

  it('reports --help, -h and --version', () => {
    expect(parse(['--help']).help).toBe(true);
    expect(parse(['-h']).help).toBe(true);
    expect(parse(['-help']).help).toBe(true);
    expect(parse(['--version']).version).toBe(true);
    expect(parse(['--node=n']).help).toBe(false);
  });

  it('lets a declared "version" flag take precedence over the builtin', () => {
    const own = defineFlags({ version: { type: 'boolean', description: 'print version' } });
    const result = parseFlags(own, { argv: ['--version'] });
    expect(result.values.version).toBe(true);
    expect(result.version).toBe(false);
  });

  describe('errors name the flag and say what is expected', () => {
    it.each([
      [['--nmi-port=abc'], 'flag --nmi-port expects an integer between 1 and 65535, got "abc"'],
      [['--nmi-port=70000'], 'flag --nmi-port expects an integer between 1 and 65535, got "70000"'],
      [['--nmi-port=1.5'], 'flag --nmi-port expects an integer between 1 and 65535, got "1.5"'],
      [['--forceNamespaced=maybe'], 'flag --forceNamespaced expects true or false, got "maybe"'],
      [
        ['--syncRetryDuration=10'],
        'flag --syncRetryDuration expects a duration like 30s, 3m or 1h of at least 1s, got "10"',
      ],
      [
        ['--syncRetryDuration=500ms'],
        'flag --syncRetryDuration expects a duration like 30s, 3m or 1h of at least 1s, got "500ms"',
      ],
      [['--operation-mode=turbo'], 'flag --operation-mode expects one of standard, managed, got "turbo"'],
      [['--bogus=1'], 'unknown flag --bogus (see --help)'],
      [['stray'], 'unexpected argument "stray": flags only (use --flag=value)'],
      [['--metadata-ip'], 'flag --metadata-ip needs a value (--metadata-ip=<value>)'],
    ])('%j', (argv, message) => {
      expect(issues(['--node=n', ...argv])).toEqual([message]);
    });

    it('says where an env value came from', () => {
      expect(issues(['--node=n'], { FORCENAMESPACED: 'yes' })).toEqual([
        'flag --forceNamespaced (from env FORCENAMESPACED) expects true or false, got "yes"',
      ]);
    });

    it('lists every problem at once', () => {
      const err = (() => {
        try {
          parse(['--nmi-port=x', '--bogus']);
        } catch (e) {
          return e as FlagError;
        }
        throw new Error('no error');
      })();
      expect(err.issues).toHaveLength(3);
      expect(err.message).toContain('invalid flags:');
      expect(err.message).toContain('--node is required');
    });

    it('runs custom validators', () => {
      const own = defineFlags({
        host: {
          type: 'string',
          description: 'h',
          validate: (v) => (v.includes(' ') ? 'a host without spaces' : undefined),
        },
      });
      expect(() => parseFlags(own, { argv: ['--host=a b'] })).toThrow(
        'flag --host expects a host without spaces, got "a b"',
      );
    });
  });

  it('passes arguments after -- through parseArgs as positionals (rejected)', () => {
    expect(issues(['--node=n', '--', 'x'])[0]).toMatch(/^invalid command line:/);
  });
});
