import { currentBlock, flagTable, replaceBlock } from './flag-docs';
import { parseHelp } from './help';

const flags = parseHelp(`Flags:
  --node string
        node | name (env NODE_NAME; required)
  --mode string
        mode (one of: a, b; default "a")
  --dry
        do nothing
  -h, --help
        show this help and exit
  --version
        print the version and exit
`);

describe('flag tables', () => {
  it('renders one row per flag, without help and version, pipes escaped', () => {
    expect(flagTable(flags)).toBe(
      [
        '| flag | default | meaning |',
        '|---|---|---|',
        '| `--node` _string_ | **required** | node \\| name. Env `NODE_NAME`. |',
        '| `--mode` _string_ | `a` | mode. One of: `a`, `b`. |',
        '| `--dry` | `false` | do nothing. |',
      ].join('\n'),
    );
  });

  it('replaces the block between the markers and reads it back', () => {
    const doc = 'intro\n<!-- flags:x:begin -->\nold\n<!-- flags:x:end -->\noutro\n';
    const next = replaceBlock(doc, 'x', 'new table');
    expect(next).toBe('intro\n<!-- flags:x:begin -->\nnew table\n<!-- flags:x:end -->\noutro\n');
    expect(currentBlock(next, 'x')).toBe('new table');
    expect(currentBlock(doc, 'y')).toBeUndefined();
    expect(() => replaceBlock(doc, 'y', 't')).toThrow(/markers/);
  });
});
