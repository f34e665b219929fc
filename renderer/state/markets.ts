/**
 * Live markets: the venues (configured ones first, then every exchange ccxt knows), a venue's market list for
 * search, the watchlist (kept by the host in the settings document), the tickers the watchlist shows, the
 * market whose book and tape are on screen, and each venue's stream health.
 */
import { create } from 'zustand';
import type { VenueEntry } from '../../main/contract/accounts.ts';
import { KESTREL_SIM } from '../../main/contract/settings.ts';
import type { MarketEntry, VenueHealth, WatchItem } from '../../main/contract/streams.ts';
import type { ResponseOf } from '../../main/contract/index.ts';
import { call, describeError, getClient } from '../ipc/client.ts';

export type Exchange = ResponseOf<'market.exchanges'>[number];
export type { MarketEntry, VenueHealth, WatchItem };

export interface Ticker {
  last: number;
  changePct: number | null;
  quoteVolume: number | null;
  baseVolume: number | null;
  ts: number;
}

export const marketKey = (venue: string, symbol: string) => `${venue}|${symbol}`;

const SAVED_VENUE = 'kestrel.markets.venue';
const SAVED_SELECTED = 'kestrel.markets.selected';
function load<T>(key: string, check: (v: unknown) => v is T, fallback: T): T {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? 'null') as unknown;
    return check(v) ? v : fallback;
  } catch {
    return fallback;
  }
}
function save(key: string, v: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(v));
  } catch {
    // Storage blocked: the choice simply does not survive a reload.
  }
}
const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isItem = (v: unknown): v is WatchItem => typeof v === 'object' && v !== null && isString((v as WatchItem).venue) && isString((v as WatchItem).symbol);

interface MarketsState {
  venues: VenueEntry[];
  exchanges: Exchange[];
  venue: string;
  /** The selected venue's markets (all of them, or the host's best matches when the venue lists more than it sends). */
  markets: MarketEntry[];
  truncated: boolean;
  listing: boolean;
  listError: string | null;
  /** Every market seen, by marketKey: tick sizes for the ladder, lot steps for the picker. */
  known: Record<string, MarketEntry>;
  watchlist: WatchItem[];
  tickers: Record<string, Ticker>;
  /** The market the book and tape show (and the chart was opened on). */
  selected: WatchItem | null;
  health: Record<string, VenueHealth>;
  loadVenues(): Promise<void>;
  loadExchanges(): Promise<void>;
  setVenue(venue: string): Promise<void>;
  /** The host's matches for a query (only needed when the venue's list was truncated). */
  searchHost(query: string): Promise<MarketEntry[]>;
  loadWatchlist(): Promise<void>;
  add(item: WatchItem): Promise<boolean>;
  remove(item: WatchItem): Promise<void>;
  select(item: WatchItem): void;
  applyTickers(updates: { key: string; ticker: Ticker }[]): void;
  setHealth(h: VenueHealth): void;
}

function remember(known: Record<string, MarketEntry>, venue: string, markets: readonly MarketEntry[]): Record<string, MarketEntry> {
  const next = { ...known };
  for (const m of markets) next[marketKey(venue, m.symbol)] = m;
  return next;
}

export const useMarkets = create<MarketsState>((set, get) => ({
  venues: [],
  exchanges: [],
  venue: load(SAVED_VENUE, isString, KESTREL_SIM),
  markets: [],
  truncated: false,
  listing: false,
  listError: null,
  known: {},
  watchlist: [],
  tickers: {},
  selected: load(SAVED_SELECTED, isItem, null),
  health: {},
  async loadVenues() {
    const r = await call('venues.list', {});
    if (r) set({ venues: r.venues });
    await get().setVenue(get().venue);
  },
  async loadExchanges() {
    if (get().exchanges.length) return;
    const r = await call('market.exchanges', {});
    if (r) set({ exchanges: r });
  },
  async setVenue(venue) {
    set({ venue, listing: true, listError: null, markets: [], truncated: false });
    save(SAVED_VENUE, venue);
    // An unreachable venue is said in the picker itself, not as a toast.
    try {
      const r = await getClient().call('markets.search', { venue, limit: 5000 });
      if (get().venue !== venue) return;
      set({ listing: false, markets: r.markets, truncated: r.total > r.markets.length, known: remember(get().known, venue, r.markets) });
    } catch (e) {
      if (get().venue === venue) set({ listing: false, listError: describeError('markets.search', e).message });
    }
  },
  async searchHost(query) {
    const venue = get().venue;
    const r = await call('markets.search', { venue, query, limit: 50 }, { quiet: true });
    if (!r) return [];
    set({ known: remember(get().known, venue, r.markets) });
    return r.markets;
  },
  async loadWatchlist() {
    const r = await call('watchlist.get', {});
    if (r) set({ watchlist: r.items });
    // Tick sizes for markets of other venues on the list (the picker only lists the selected venue's).
    const missing = get().watchlist.filter((i) => !get().known[marketKey(i.venue, i.symbol)]);
    for (const i of missing) {
      const m = await call('markets.search', { venue: i.venue, query: i.symbol, limit: 5 }, { quiet: true });
      if (m) set({ known: remember(get().known, i.venue, m.markets.filter((x) => x.symbol === i.symbol)) });
    }
  },
  async add(item) {
    const cur = get().watchlist;
    if (cur.some((i) => i.venue === item.venue && i.symbol === item.symbol)) return true;
    const r = await call('watchlist.set', { items: [...cur, item] });
    if (r) set({ watchlist: r.items });
    return !!r;
  },
  async remove(item) {
    const r = await call('watchlist.set', { items: get().watchlist.filter((i) => i.venue !== item.venue || i.symbol !== item.symbol) });
    if (r) set({ watchlist: r.items });
  },
  select(item) {
    set({ selected: item });
    save(SAVED_SELECTED, item);
  },
  applyTickers(updates) {
    const tickers = { ...get().tickers };
    for (const u of updates) tickers[u.key] = u.ticker;
    set({ tickers });
  },
  setHealth(h) {
    set({ health: { ...get().health, [h.venue]: h } });
  },
}));
