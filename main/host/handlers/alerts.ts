import type { AlertDelivery } from '../alerts/delivery.ts';
import type { AlertService } from '../alerts/service.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { SettingsStore } from '../settings/store.ts';

export function alertHandlers(alerts: AlertService, delivery: AlertDelivery, settings: SettingsStore): HandlersFor<'alerts.list' | 'alerts.create' | 'alerts.update' | 'alerts.delete' | 'alerts.history' | 'alerts.deadLetters' | 'alerts.retry'> {
  return {
    // Channels without their secrets: ids, kinds and formats only.
    'alerts.list': () => ({ alerts: alerts.list(), channels: settings.document.alertChannels.map((c) => ({ id: c.id, kind: c.kind, format: c.kind === 'webhook' ? c.format : null, enabled: c.enabled })) }),
    'alerts.create': (r) => alerts.create(r),
    'alerts.update': ({ id, ...change }) => alerts.update(id, change),
    'alerts.delete': (r) => ({ deleted: alerts.delete(r.id) }),
    'alerts.history': (r) => ({ firings: alerts.history(r.alertId, r.limit) }),
    'alerts.deadLetters': () => ({ deadLetters: delivery.deadLetters() }),
    'alerts.retry': (r) => delivery.retry(r.id),
  };
}
