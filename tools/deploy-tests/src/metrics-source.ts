// The Prometheus series MIC and NMI define, read from their metrics sources (prom-client constructors
// `new Counter|Gauge|Histogram({ name, labelNames })` or `name:`/`labelNames:` pairs in object literals).
// Tools never import apps, so the source text is the black-box way in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MetricDef {
  readonly name: string;
  readonly labels: readonly string[];
  readonly histogram: boolean;
}

/** Metric definitions of one source text. */
export function metricsOf(source: string): MetricDef[] {
  const defs: MetricDef[] = [];
  const ctor = /new (Counter|Gauge|Histogram|Summary)\(\{([\s\S]*?)\}\)/g;
  for (const m of source.matchAll(ctor)) {
    const name = /name: '([a-zA-Z_:][\w:]*)'/.exec(m[2])?.[1];
    if (!name) continue;
    const labels = /labelNames: \[([^\]]*)\]/.exec(m[2])?.[1] ?? '';
    defs.push({
      name,
      labels: [...labels.matchAll(/'([^']+)'/g)].map((l) => l[1]),
      histogram: m[1] === 'Histogram' || m[1] === 'Summary',
    });
  }
  return defs;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

/** Every metric defined under a source directory (e.g. apps/mic/src). */
export function metricsUnder(dir: string): MetricDef[] {
  return tsFiles(dir).flatMap((f) => metricsOf(readFileSync(f, 'utf8')));
}

/** Series names a definition exposes (histograms add _bucket, _sum and _count). */
export function seriesNames(def: MetricDef): string[] {
  return def.histogram
    ? [def.name, `${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`]
    : [def.name];
}

/** Metric names and label matchers used in a PromQL expression (only names with the given prefixes). */
export function promqlUses(
  expr: string,
  prefixes: readonly string[],
): { metric: string; labels: string[] }[] {
  const uses: { metric: string; labels: string[] }[] = [];
  const re = new RegExp(`\\b((?:${prefixes.join('|')})[a-zA-Z0-9_]*)(\\{[^}]*\\})?`, 'g');
  for (const m of expr.matchAll(re)) {
    const labels = [...(m[2] ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]);
    uses.push({ metric: m[1], labels });
  }
  return uses;
}
