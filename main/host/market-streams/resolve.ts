/**
 * A settings venue id → the connection options its ccxt client needs. Kestrel Sim (builtin) is started on
 * first use and reached on its loopback endpoints through ccxt's binance class; every other venue is the
 * ccxt exchange its settings name, on the public internet.
 */
import { NotFoundError } from '../../core/errors.ts';
import type { SettingsDocument } from '../../contract/settings.ts';
import type { VenueOptions } from '../../venues/ccxt/index.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';

export function venueResolver(settings: () => SettingsDocument, sim: Pick<KestrelSim, 'endpoints'>): (venue: string) => Promise<VenueOptions> {
  return async (venue) => {
    const v = settings().venues.find((x) => x.id === venue);
    if (!v) throw new NotFoundError('venue (see venues.list)', venue);
    if (v.builtin) return { exchange: v.exchange, endpoints: await sim.endpoints() };
    return { exchange: v.exchange };
  };
}
