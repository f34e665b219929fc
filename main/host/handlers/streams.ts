import type { HandlersFor } from '../ipc/handlers.ts';
import type { MarketStreams } from '../market-streams/manager.ts';
import type { StreamsBridge } from '../market-streams/ipc-bridge.ts';
import type { SettingsStore } from '../settings/store.ts';

type StreamCommand = 'markets.search' | 'watchlist.get' | 'watchlist.set' | 'streams.subscribe' | 'streams.unsubscribe' | 'streams.health';

/** Thin: the manager streams, the bridge owns client subscriptions, the settings store keeps the watchlist. */
export function streamHandlers(streams: MarketStreams, bridge: StreamsBridge, settings: SettingsStore): HandlersFor<StreamCommand> {
  const watchlist = () => ({ items: settings.document.watchlist.map((w) => ({ ...w })) });
  return {
    'markets.search': (r, c) => streams.markets(r.venue, { ...(r.query !== undefined ? { query: r.query } : {}), ...(r.type ? { type: r.type } : {}), ...(r.limit ? { limit: r.limit } : {}), signal: c.signal }),
    'watchlist.get': () => watchlist(),
    'watchlist.set': (r) => {
      settings.set('watchlist', r.items);
      return watchlist();
    },
    'streams.subscribe': (r, c) => bridge.subscribe(c.origin, r.venue, r.symbol, r.kinds),
    'streams.unsubscribe': (r, c) => ({ unsubscribed: bridge.unsubscribe(c.origin, r.subscriptionId) }),
    'streams.health': async () => ({ venues: await streams.health() }),
  };
}
