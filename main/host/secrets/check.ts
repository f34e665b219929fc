/**
 * The key check through a one-off ccxt connection (not the pool's: a key that fails its check must not
 * leave a connection, or a rate limiter keyed by it, behind).
 */
import { checkKey, CcxtVenue, type KeyCheck } from '../../venues/ccxt/index.ts';
import type { KeyToCheck } from './credentials.ts';

export async function checkWithCcxt(k: KeyToCheck): Promise<KeyCheck> {
  const venue = new CcxtVenue({
    exchange: k.exchange,
    apiKey: k.apiKey,
    secret: k.secret,
    ...(k.password ? { password: k.password } : {}),
    ...(k.endpoints ? { endpoints: k.endpoints } : {}),
    timeoutMs: 15_000,
    retry: { attempts: 2, baseMs: 300 },
  });
  try {
    return await checkKey(venue, { sandbox: k.sandbox });
  } finally {
    await venue.close();
  }
}
