// Renders figures as a fixed-width text table and a markdown table. Pure.
import type { Figure } from './stats';

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cells(f: Figure): string[] {
  const s = f.summary;
  const verdict = f.met === undefined ? '' : f.met ? 'met' : 'MISSED';
  return [
    f.group,
    f.name,
    f.unit,
    fmt(s.median),
    fmt(s.min),
    fmt(s.max),
    String(s.runs.length),
    f.goal ? `${f.goal} ${verdict}` : '',
    f.note ?? '',
  ];
}

const HEADER = ['group', 'metric', 'unit', 'median', 'min', 'max', 'runs', 'goal', 'note'];

export function textTable(figures: readonly Figure[]): string {
  const rows = [HEADER, ...figures.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(figures: readonly Figure[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const rows = figures.map((f) => `| ${cells(f).map(esc).join(' | ')} |`);
  return [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`, ...rows].join('\n');
}
