// The monitoring component speaks about metrics that exist: every series and label in the alert rules
// and the Grafana dashboard is one MIC or NMI defines, and every runbook link points at a heading of
// docs/operations.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { metricsUnder, promqlUses, seriesNames, type MetricDef } from '../src/metrics-source';
import { ROOT } from '../src/repo';

const MONITORING = join(ROOT, 'deploy', 'components', 'monitoring');
const PREFIXES = ['mic_', 'nmi_'];

const defs: MetricDef[] = [
  ...metricsUnder(join(ROOT, 'apps', 'mic', 'src')),
  ...metricsUnder(join(ROOT, 'apps', 'nmi', 'src')),
];
const series = new Map<string, MetricDef>(
  defs.flatMap((d) => seriesNames(d).map((s): [string, MetricDef] => [s, d])),
);

interface Rule {
  alert: string;
  expr: string;
  annotations?: Record<string, string>;
}

const rules: Rule[] = (
  parseDocument(readFileSync(join(MONITORING, 'prometheusrule.yaml'), 'utf8')).toJS() as {
    spec: { groups: { rules: Rule[] }[] };
  }
).spec.groups.flatMap((g) => g.rules);

const dashboardExprs: string[] = [
  ...readFileSync(join(MONITORING, 'pod-identity-dashboard.json'), 'utf8').matchAll(
    /"expr":\s*"((?:[^"\\]|\\.)*)"/g,
  ),
].map((m) => JSON.parse(`"${m[1]}"`));

/** Problems of one PromQL expression: unknown series or labels the series does not have. */
function problems(expr: string): string[] {
  return promqlUses(expr, PREFIXES).flatMap(({ metric, labels }) => {
    if (/_process_|_nodejs_/.test(metric)) return []; // default process metrics, prefixed per app
    const def = series.get(metric);
    if (!def) return [`${metric}: no such metric`];
    return labels.filter((l) => l !== 'le' && !def.labels.includes(l)).map((l) => `${metric}: no label ${l}`);
  });
}

describe('metrics of the apps', () => {
  it('are found in the sources', () => {
    expect(defs.map((d) => d.name)).toEqual(
      expect.arrayContaining(['mic_leader', 'mic_syncs_total', 'nmi_requests_total']),
    );
  });
});

describe('alert rules', () => {
  it('exist', () => expect(rules.length).toBeGreaterThan(0));

  it.each(rules.map((r) => [r.alert, r]))('%s uses metrics and labels the apps define', (_name, rule) => {
    expect(problems(rule.expr)).toEqual([]);
    expect(promqlUses(rule.expr, PREFIXES).length).toBeGreaterThan(0);
  });

  it.each(rules.map((r) => [r.alert, r]))(
    '%s links a runbook section of docs/operations.md',
    (_name, rule) => {
      const doc = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
      const anchor = /^docs\/operations\.md#([a-z0-9-]+)$/.exec(rule.annotations?.runbook ?? '')?.[1];
      expect(anchor).toBeDefined();
      const headings = [...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      );
      const explicit = [...doc.matchAll(/<a (?:id|name)="([^"]+)"/g)].map((m) => m[1]);
      expect([...headings, ...explicit]).toContain(anchor);
    },
  );
});

describe('Grafana dashboard', () => {
  it('has panels', () => expect(dashboardExprs.length).toBeGreaterThan(0));

  it('queries only metrics and labels the apps define', () => {
    expect(dashboardExprs.flatMap(problems)).toEqual([]);
  });
});
