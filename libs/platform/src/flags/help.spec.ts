import { formatHelp } from './help';
import { defineFlags } from './types';

describe('formatHelp', () => {
  const specs = defineFlags({
    node: { type: 'string', description: 'Name of this node.', env: 'NODE_NAME', required: true },
    'nmi-port': { type: 'int', description: 'Port to listen on.', default: 2579 },
    forceNamespaced: { type: 'boolean', description: 'Namespaced rules.', aliases: ['force-namespaced'] },
    syncRetryDuration: { type: 'duration', description: 'Full resync period.', default: 3_600_000 },
    mode: {
      type: 'string',
      description: 'Operation mode.',
      default: 'standard',
      choices: ['standard', 'managed'],
    },
    list: { type: 'list', description: 'Immutable ids.', default: ['a', 'b'] },
    secret: { type: 'string', description: 'hidden', hidden: true },
  });

  it('prints every visible flag with type, default, env and builtins', () => {
    const text = formatHelp(specs, { program: 'nmi', summary: 'Node Managed Identity agent.' });
    expect(text).toMatchInlineSnapshot(`
"Usage: nmi [flags]

Node Managed Identity agent.

Flags:
  --node string
        Name of this node. (env NODE_NAME; required)
  --nmi-port int
        Port to listen on. (default 2579)
  --forceNamespaced, --force-namespaced
        Namespaced rules.
  --syncRetryDuration duration
        Full resync period. (default 1h0m0s)
  --mode string
        Operation mode. (one of: standard, managed; default "standard")
  --list list
        Immutable ids. (default a,b)
  -h, --help
        show this help and exit
  --version
        print the version and exit

Flags take one or two dashes and --flag=value or --flag value; booleans take --flag=false.
"
`);
  });
});
