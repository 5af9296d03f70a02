// Finds credentials in text that must never contain them: log lines, Kubernetes Events, error bodies.
// Looks for JWTs, bearer headers, non-empty access_token fields, and any of the caller's known secrets
// (client secrets, PFX passwords, full client ids that must be shortened).

export interface LeakFinding {
  /** What matched: 'jwt', 'bearer', 'access-token-field' or 'known-secret'. */
  readonly kind: 'jwt' | 'bearer' | 'access-token-field' | 'known-secret';
  /** Index of the text in the scanned list. */
  readonly index: number;
  /** The matched text, cut to 12 characters so the report itself does not leak it. */
  readonly excerpt: string;
}

const PATTERNS: ReadonlyArray<{ kind: LeakFinding['kind']; re: RegExp }> = [
  { kind: 'jwt', re: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
  { kind: 'bearer', re: /bearer\s+[A-Za-z0-9._~+/=-]{12,}/gi },
  { kind: 'access-token-field', re: /"access_?token"\s*:\s*"[^"*[\]]{8,}"/gi },
];

/** Every leak in `texts`; `secrets` are exact strings (case-insensitive) that must never appear. */
export function scanForLeaks(texts: readonly string[], secrets: readonly string[] = []): LeakFinding[] {
  const findings: LeakFinding[] = [];
  const needles = secrets.filter((s) => s.length >= 6).map((s) => s.toLowerCase());
  texts.forEach((text, index) => {
    for (const { kind, re } of PATTERNS) {
      for (const m of text.matchAll(re)) findings.push({ kind, index, excerpt: m[0].slice(0, 12) });
    }
    const lower = text.toLowerCase();
    for (const needle of needles) {
      if (lower.includes(needle)) findings.push({ kind: 'known-secret', index, excerpt: needle.slice(0, 4) });
    }
  });
  return findings;
}
