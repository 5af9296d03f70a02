// docs/security.md proves each claim by naming a test as `file › describe › test`. These helpers pull
// those citations out of the markdown (pure), so a test can check that every cited test still exists.

export interface Citation {
  /** As written: a path (`apps/nmi/test/x.int.spec.ts`) or a bare file name (`x.int.spec.ts`). */
  readonly file: string;
  /** Pieces of the cited names that must appear in the file (split at ›, …, %s and ": "). */
  readonly fragments: readonly string[];
  /** The whole citation, for the failure message. */
  readonly text: string;
  readonly line: number;
}

const SPEC_FILE = /^[\w./-]*\.spec\.ts$/;
const SPEC_PREFIX = /^([\w./-]*\.spec\.ts)\b/;

function fragmentsOf(names: readonly string[]): string[] {
  return names
    .flatMap((n) => n.split(/…|%s|\*|: /))
    .map((f) =>
      f
        .trim()
        .replace(/^[,;.]\s*/, '')
        .trim(),
    )
    .filter((f) => f.length >= 4);
}

/** Every backticked spec file or `file › names` citation; a citation without a file uses the line's last file. */
export function citationsIn(markdown: string): Citation[] {
  const out: Citation[] = [];
  markdown.split('\n').forEach((lineText, i) => {
    let lastFile: string | undefined;
    for (const match of lineText.matchAll(/`([^`]+)`/g)) {
      const text = (match[1] as string).trim();
      const parts = text.split('›').map((p) => p.trim());
      const head = parts[0] as string;
      const file = SPEC_FILE.test(head) ? head : head.match(SPEC_PREFIX)?.[1];
      if (file) lastFile = file;
      if (parts.length === 1 && !file) continue;
      const owner = file ?? lastFile;
      if (!owner) continue;
      out.push({ file: owner, fragments: fragmentsOf(file ? parts.slice(1) : parts), text, line: i + 1 });
    }
  });
  return out;
}
