/**
 * Live markets over the contract: a venue's markets (searchable, with the exchange's own tick size, lot step
 * and minimum notional), the watchlist, subscriptions to live streams (OHLCV 1m, trades, order book,
 * ticker) whose updates are pushed as `streams.update` events, and each venue's stream health.
 *
 * A subscription belongs to the connection that made it and ends when that connection closes, so a
 * reloaded window cannot leave streams running. Updates are coalesced per (venue, symbol, kind) before they
 * are pushed: the latest book and ticker, every trade, the forming bar's latest state and every closed bar.
 */
import { z } from 'zod';
import { command, empty, event, finite, id, req, text } from './define.ts';
import { SettingsId, WatchItem } from './settings.ts';

export const StreamKind = z.enum(['ohlcv', 'trades', 'book', 'ticker']);
export type StreamKind = z.infer<typeof StreamKind>;

/** A ccxt unified symbol: BTC/USDT (spot), BTC/USDT:USDT (USDⓈ-M perpetual). */
export const MarketSymbol = WatchItem.shape.symbol;
export { WatchItem };

export const MarketEntry = z.object({
  symbol: z.string(),
  base: z.string(),
  quote: z.string(),
  type: z.enum(['spot', 'perp']),
  /** Decimal strings as the exchange states them (exact). */
  tickSize: z.string(),
  lotStep: z.string(),
  /** Null when the exchange states no minimum. */
  minNotional: z.string().nullable(),
  /** Settlement currency (quote for spot and linear perpetuals). */
  settle: z.string(),
});
export type MarketEntry = z.infer<typeof MarketEntry>;

export const MarketList = z.object({
  venue: z.string(),
  /** Markets matching the query, best match first, at most `limit`. */
  markets: z.array(MarketEntry),
  /** How many matched before the limit. */
  total: z.number().int(),
});
export type MarketList = z.infer<typeof MarketList>;

export const Watchlist = z.object({ items: z.array(WatchItem) });

export const Bar = z.object({ ts: finite(), open: finite(), high: finite(), low: finite(), close: finite(), volume: finite() });
export type Bar = z.infer<typeof Bar>;
export const TapeTrade = z.object({ id: z.string().nullable(), ts: finite(), price: finite(), qty: finite(), side: z.enum(['buy', 'sell']).nullable() });
export type TapeTrade = z.infer<typeof TapeTrade>;
const Level = z.tuple([finite(), finite()]);

const base = { venue: z.string(), symbol: z.string() };
export const StreamUpdate = z.discriminatedUnion('kind', [
  /** 1m bars: the forming bar (closed false, changes) and each closed bar (closed true, final, stored in market.db). */
  z.object({ ...base, kind: z.literal('ohlcv'), timeframe: z.literal('1m'), bars: z.array(Bar.extend({ closed: z.boolean() })) }),
  z.object({ ...base, kind: z.literal('trades'), trades: z.array(TapeTrade) }),
  /** A full snapshot of the top of the book (best first on both sides), not a diff. */
  z.object({ ...base, kind: z.literal('book'), ts: finite(), bids: z.array(Level), asks: z.array(Level), seq: finite().nullable() }),
  z.object({
    ...base, kind: z.literal('ticker'), ts: finite(), last: finite(), bid: finite().nullable(), ask: finite().nullable(),
    high: finite().nullable(), low: finite().nullable(), open: finite().nullable(), changePct: finite().nullable(),
    baseVolume: finite().nullable(), quoteVolume: finite().nullable(),
  }),
]);
export type StreamUpdate = z.infer<typeof StreamUpdate>;

/** What a venue's streams look like from here. `state` is the worst of its subscriptions'. */
export const StreamState = z.enum(['idle', 'connecting', 'live', 'reconnecting', 'stalled', 'rate-limited', 'unreachable', 'failed']);
export type StreamState = z.infer<typeof StreamState>;

export const SymbolHealth = z.object({
  symbol: z.string(),
  kinds: z.array(StreamKind),
  state: StreamState,
  /** websocket, or REST polling where the venue has no websocket for a kind. */
  mode: z.enum(['websocket', 'poll']),
  /** Why it is not live: unknown symbol, delisted market, unreachable venue… */
  error: z.string().nullable(),
});
export type SymbolHealth = z.infer<typeof SymbolHealth>;

export const VenueHealth = z.object({
  venue: z.string(),
  state: StreamState,
  connected: z.boolean(),
  /** ms since the last message from the venue; null before the first. */
  lastMessageAgeMs: finite().nullable(),
  /** Local receive time minus the venue's event time (after clock-skew correction); null when the venue sends none. */
  lagMs: finite().nullable(),
  /** Venue clock minus local clock, measured at connect; null until measured. */
  clockSkewMs: finite().nullable(),
  reconnects: z.number().int(),
  stalls: z.number().int(),
  resyncs: z.number().int(),
  messages: z.number().int(),
  dropped: z.object({ malformed: z.number().int(), duplicate: z.number().int(), outOfOrder: z.number().int() }),
  /** Closed 1m bars written to market.db since the host started (from the stream or a REST resync). */
  barsStored: z.number().int(),
  subscriptions: z.number().int(),
  symbols: z.array(SymbolHealth),
  error: z.string().nullable(),
});
export type VenueHealth = z.infer<typeof VenueHealth>;

export const SubscriptionView = z.object({ subscriptionId: z.string(), venue: z.string(), symbol: z.string(), kinds: z.array(StreamKind) });

export const streamCommands = {
  'markets.search': command(
    "A venue's spot and perpetual markets, filtered by a query on symbol, base or quote (empty: all), with tick size, lot step and min notional from the exchange.",
    req({ venue: SettingsId, query: text(64).optional(), type: z.enum(['spot', 'perp']).optional(), limit: z.number().int().min(1).max(5000).optional() }),
    MarketList,
  ),
  'watchlist.get': command('The watchlist (kept in the settings document).', empty, Watchlist),
  'watchlist.set': command('Replaces the watchlist (order kept, duplicates refused); written to the settings document atomically.', req({ items: z.array(WatchItem).max(500) }), Watchlist),
  'streams.subscribe': command(
    'Subscribes this connection to live (venue, symbol) streams; updates arrive as streams.update events. Shared with every other user of the same stream (ref-counted).',
    req({ venue: SettingsId, symbol: MarketSymbol, kinds: z.array(StreamKind).min(1).max(4) }),
    SubscriptionView,
  ),
  'streams.unsubscribe': command('Ends a subscription of this connection; the stream stops when nobody uses it.', req({ subscriptionId: id() }), z.object({ unsubscribed: z.boolean() })),
  'streams.health': command('Stream health per venue with live subscriptions (connected, last message age, lag, reconnects, dropped messages).', empty, z.object({ venues: z.array(VenueHealth) })),
};

export const streamEvents = {
  'streams.update': event('Coalesced live updates of one (venue, symbol, kind).', StreamUpdate),
  'streams.health': event("A venue's stream health: on every state change and every second while it streams.", VenueHealth),
};
