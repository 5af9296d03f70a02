// Several runs of one measurement → median, min, max. Pure.

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function summarize(values: readonly number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: values };
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

/** p-th percentile (nearest rank) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** One row of the result table: a metric of one case, over several runs. */
export interface Figure {
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly summary: Summary;
  /** The goal (issues 8 and 18), as text, and whether the median meets it (undefined: no goal). */
  readonly goal?: string;
  readonly met?: boolean;
  readonly note?: string;
}

export interface Goal {
  readonly text: string;
  readonly test: (median: number) => boolean;
}

interface Entry {
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly values: number[];
  goal?: Goal;
  note?: string;
}

/** Collects per-run values under (group, name), then turns them into figures. */
export class Recorder {
  private readonly entries = new Map<string, Entry>();

  add(group: string, name: string, unit: string, value: number, goal?: Goal): void {
    const key = `${group}\u0000${name}`;
    const entry = this.entries.get(key) ?? { group, name, unit, values: [] };
    entry.values.push(value);
    if (goal) entry.goal = goal;
    this.entries.set(key, entry);
  }

  note(group: string, name: string, note: string): void {
    const entry = this.entries.get(`${group}\u0000${name}`);
    if (entry) entry.note = note;
  }

  figures(): Figure[] {
    return [...this.entries.values()].map((e) => {
      const summary = summarize(e.values);
      return {
        group: e.group,
        name: e.name,
        unit: e.unit,
        summary,
        goal: e.goal?.text,
        met: e.goal ? e.goal.test(summary.median) : undefined,
        note: e.note,
      };
    });
  }
}
