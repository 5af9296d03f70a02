// Property test (fast-check): any command line, however broken, either yields a configuration or a
// FlagError whose message names a flag; never another exception, and never a config that silently
// weakens a security default when the flag was not given.
import fc from 'fast-check';
import { FlagError } from '@pod-identity/platform';
import { loadConfig } from './config';
import { NMI_FLAGS } from './flags';

const NAMES = Object.keys(NMI_FLAGS);
const VALUES = [
  '',
  'true',
  'false',
  'True',
  '0',
  '-1',
  '65536',
  '1s',
  '5m',
  'abc',
  '1e3',
  ' ',
  '=',
  '--',
  'managed',
  'tokenreview',
  'a/b',
  '127.0.0.1',
];

const flag = fc
  .tuple(
    fc.constantFrom('-', '--', '---', ''),
    fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 10 })),
    fc.constantFrom('=', ' ', ''),
    fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 8 })),
  )
  .chain(([dash, name, sep, value]) =>
    fc.constant(sep === ' ' ? [`${dash}${name}`, value] : [`${dash}${name}${sep}${value}`]),
  );
const argv = fc.array(flag, { maxLength: 6 }).map((parts) => ['--node=n', ...parts.flat()]);

describe('loadConfig (fuzz)', () => {
  it('returns a config or throws a FlagError that names a flag; nothing else', () => {
    fc.assert(
      fc.property(argv, (args) => {
        try {
          loadConfig(args, {});
        } catch (err) {
          expect(err).toBeInstanceOf(FlagError);
          expect((err as FlagError).message).toMatch(/-|flag/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps namespaced rules, the Metadata header and the instance block on unless told otherwise', () => {
    const weakening = /forceNamespaced|metadata-header-required|block-instance-metadata|FORCENAMESPACED/i;
    fc.assert(
      fc.property(argv, (args) => {
        if (args.some((a) => weakening.test(a))) return;
        let result: ReturnType<typeof loadConfig>;
        try {
          result = loadConfig(args, {});
        } catch {
          return;
        }
        if (result.kind !== 'run') return;
        expect(result.config.forceNamespaced).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
