/**
 * A venue id → the connection options its ccxt client needs. A settings venue first: Kestrel Sim (builtin)
 * is started on first use and reached on its loopback endpoints through ccxt's binance class; others are the
 * ccxt exchange their settings name. Any other ccxt exchange id is accepted as itself (public market data
 * needs no settings entry: the market picker offers every ccxt venue).
 */
import { NotFoundError } from '../../core/errors.ts';
import type { SettingsDocument, VenueSettings } from '../../contract/settings.ts';
import { exchangeInfo, type VenueOptions } from '../../venues/ccxt/index.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';

export function venueResolver(settings: () => SettingsDocument, sim: Pick<KestrelSim, 'endpoints'> | ((v: VenueSettings) => Pick<KestrelSim, 'endpoints'>), extra: Partial<VenueOptions> = {}): (venue: string) => Promise<VenueOptions> {
  // A built-in venue with its own `url` is another Kestrel Sim (host.ts `simFor`).
  const simOf = typeof sim === 'function' ? sim : () => sim;
  return async (venue) => {
    const v = settings().venues.find((x) => x.id === venue);
    if (v?.builtin) return { ...extra, exchange: v.exchange, endpoints: await simOf(v).endpoints() };
    if (v) return { ...extra, exchange: v.exchange };
    if (exchangeInfo(venue)) return { ...extra, exchange: venue };
    throw new NotFoundError('venue (neither in the settings nor a ccxt exchange id)', venue);
  };
}
