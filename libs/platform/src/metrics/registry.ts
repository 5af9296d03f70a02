// A private prom-client Registry per component; nothing is registered on the global default registry.
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Labels on every series (e.g. { component: 'nmi' }). */
  readonly defaultLabels?: Record<string, string>;
  /** Also collect Node process metrics (CPU, memory, event loop, GC). Default false. */
  readonly processMetrics?: boolean;
  /** Prefix for the process metrics names. */
  readonly processMetricsPrefix?: string;
}

export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry, prefix: options.processMetricsPrefix ?? '' });
  }
  return registry;
}

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
