import { citationsIn } from './doc-citations';

describe('citationsIn', () => {
  it('reads file › describe › test citations and splits names at ellipses, placeholders and ": "', () => {
    const md =
      'x | `apps/nmi/test/standard.int.spec.ts › refusals › refuses the path trick %s without forwarding it` |';
    expect(citationsIn(md)).toEqual([
      {
        file: 'apps/nmi/test/standard.int.spec.ts',
        fragments: ['refusals', 'refuses the path trick', 'without forwarding it'],
        text: 'apps/nmi/test/standard.int.spec.ts › refusals › refuses the path trick %s without forwarding it',
        line: 1,
      },
    ]);
  });

  it('gives a citation without a file the last file named on its line; plain code spans are not citations', () => {
    const md =
      'see `a.spec.ts › slow-loris › cuts 20 connections …` and `› cuts them within about --request-timeout (6 s)`; flag `--x`';
    const found = citationsIn(md);
    expect(found.map((c) => [c.file, c.fragments])).toEqual([
      ['a.spec.ts', ['slow-loris', 'cuts 20 connections']],
      ['a.spec.ts', ['cuts them within about --request-timeout (6 s)']],
    ]);
  });

  it('keeps file-only citations so the file itself is checked', () => {
    expect(
      citationsIn('`tools/envtest/src/crds.int.spec.ts` and `routes.fuzz.spec.ts` (all)').map((c) => [
        c.file,
        c.fragments,
      ]),
    ).toEqual([
      ['tools/envtest/src/crds.int.spec.ts', []],
      ['routes.fuzz.spec.ts', []],
    ]);
  });
});
