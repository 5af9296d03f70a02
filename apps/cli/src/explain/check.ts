// One line of `explain`: what was checked, whether it is fine, and in words what to do when it is not.
export interface Check {
  /** Stable id, e.g. "pod", "label", "binding", "identity:ns/name", "assignment:ns/binding", "mic", "nmi". */
  readonly id: string;
  readonly ok: boolean;
  /** Short name of the link in the chain (printed in a column). */
  readonly title: string;
  readonly detail: string;
  /** What to do about it (only when not ok). */
  readonly fix?: string;
}

export const pass = (id: string, title: string, detail: string): Check => ({ id, ok: true, title, detail });
export const fail = (id: string, title: string, detail: string, fix: string): Check => ({
  id,
  ok: false,
  title,
  detail,
  fix,
});

/** "3m12s", "2h5m", "40s" (pure). */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
}
