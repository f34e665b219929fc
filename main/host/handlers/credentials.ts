import type { HandlersFor } from '../ipc/handlers.ts';
import type { Credentials } from '../secrets/credentials.ts';

/** Thin: the service checks, seals and lists; nothing it returns holds key material. */
export function credentialHandlers(credentials: Credentials): HandlersFor<'credentials.list' | 'credentials.set' | 'credentials.setPassword' | 'credentials.delete'> {
  return {
    'credentials.list': () => credentials.list(),
    'credentials.set': (r) => credentials.set({ ref: r.ref, venue: r.venue, environment: r.environment, apiKey: r.apiKey, secret: r.secret, ...(r.password ? { password: r.password } : {}) }),
    'credentials.setPassword': (r) => credentials.setPassword(r.ref, r.value),
    'credentials.delete': (r) => credentials.delete(r.ref),
  };
}
