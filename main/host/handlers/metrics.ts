import type { HandlersFor } from '../ipc/handlers.ts';
import type { MetricsEndpoint } from '../metrics/endpoint.ts';
import type { HostMetrics } from '../metrics/service.ts';

export function metricsHandlers(metrics: HostMetrics, endpoint: MetricsEndpoint): HandlersFor<'health.get'> {
  return {
    'health.get': () => metrics.health(endpoint.url),
  };
}
