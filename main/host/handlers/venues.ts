import type { VenueCapabilities } from '../../contract/accounts.ts';
import { exchangeInfo } from '../../venues/ccxt/index.ts';
import type { HandlersFor } from '../ipc/handlers.ts';
import type { SettingsStore } from '../settings/store.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';

const yes = (v: unknown) => v === true || v === 'emulated';

/** ccxt's `has` of the exchange class, reduced to what the workstation needs to know. */
export function capabilitiesOf(exchange: string): VenueCapabilities | null {
  const e = exchangeInfo(exchange);
  if (!e) return null;
  const h = e.has;
  return { spot: yes(h.spot), perpetual: yes(h.swap), ohlcv: yes(h.fetchOHLCV), trades: yes(h.fetchTrades), orderBook: yes(h.fetchOrderBook), websockets: e.pro, sandbox: yes(h.sandbox) };
}

export function venueHandlers(settings: SettingsStore, sim: KestrelSim): HandlersFor<'venues.list'> {
  return {
    'venues.list': () => ({
      venues: settings.document.venues.map((v) => ({ ...v, capabilities: capabilitiesOf(v.exchange), started: v.builtin && sim.started })),
    }),
  };
}
