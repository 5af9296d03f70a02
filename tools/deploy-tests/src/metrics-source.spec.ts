import { metricsOf, promqlUses, seriesNames } from './metrics-source';

describe('metric sources', () => {
  it('reads names and label names from prom-client constructors', () => {
    const src = `this.a = new Counter({ name: 'mic_a_total', help: 'x', labelNames: ['result', 'kind'], registers });
      b: new Histogram({
        name: 'nmi_b_seconds',
        help: 'y',
        buckets: [1],
      }),`;
    expect(metricsOf(src)).toEqual([
      { name: 'mic_a_total', labels: ['result', 'kind'], histogram: false },
      { name: 'nmi_b_seconds', labels: [], histogram: true },
    ]);
    expect(seriesNames({ name: 'h', labels: [], histogram: true })).toEqual([
      'h',
      'h_bucket',
      'h_sum',
      'h_count',
    ]);
  });

  it('finds metrics and label matchers in PromQL', () => {
    expect(
      promqlUses(
        'sum by (le) (rate(nmi_x_bucket{route="token", status=~"5.."}[5m])) / sum(mic_y) or absent(mic_y)',
        ['mic_', 'nmi_'],
      ),
    ).toEqual([
      { metric: 'nmi_x_bucket', labels: ['route', 'status'] },
      { metric: 'mic_y', labels: [] },
      { metric: 'mic_y', labels: [] },
    ]);
  });
});
