import type { HandlersFor } from '../ipc/handlers.ts';
import type { WebhookListener } from '../webhooks/listener.ts';
import type { WebhookService } from '../webhooks/service.ts';

export function webhookHandlers(svc: WebhookService, listener: WebhookListener): HandlersFor<'webhooks.status'> {
  return {
    'webhooks.status': () => svc.status({ listening: listener.listening, url: listener.url, exposed: listener.exposed }),
  };
}
