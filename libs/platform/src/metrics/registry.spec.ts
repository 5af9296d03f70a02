import { register as globalRegistry } from 'prom-client';
import { Counter, createMetricsRegistry } from './registry';

describe('createMetricsRegistry', () => {
  it('makes independent registries and never touches the global one', async () => {
    const a = createMetricsRegistry();
    const b = createMetricsRegistry();
    new Counter({ name: 'same_name_total', help: 'x', registers: [a] });
    new Counter({ name: 'same_name_total', help: 'x', registers: [b] });
    expect(await a.metrics()).toContain('same_name_total');
    expect(await globalRegistry.metrics()).not.toContain('same_name_total');
  });

  it('adds process metrics only when asked, with the prefix', async () => {
    expect(await createMetricsRegistry().metrics()).not.toContain('process_cpu');
    const withProcess = createMetricsRegistry({ processMetrics: true, processMetricsPrefix: 'nmi_' });
    expect(await withProcess.metrics()).toContain('nmi_process_cpu_user_seconds_total');
  });
});
