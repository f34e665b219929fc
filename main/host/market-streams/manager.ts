/**
 * The host's live market data: one VenueFeed per settings venue, over the host's venue connections
 * (VenuePool: the same ccxt client and rate limiter the backfills use). Everything in the main process that
 * wants live prices — the IPC bridge for the renderer, paper desks, the CLI — calls `subscribe`; the same
 * (venue, symbol, kind) is streamed once however many subscribe (ref-counted).
 *
 *   const sub = await streams.subscribe('kestrel-sim', 'BTC/USDT', ['trades', 'book'], (u) => …);
 *   …
 *   sub.close();
 *
 * `u` is a contract StreamUpdate (main/contract/streams.ts), delivered synchronously for every update (no
 * coalescing here: a paper desk matches on every print). Closed 1m bars are already in market.db when their
 * update arrives (the stream's finals of every market are committed together at the end of the event-loop
 * turn that brought them, then emitted, forming updates held back behind them).
 */
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import type { MarketEntry, MarketList, StreamKind, VenueHealth } from '../../contract/streams.ts';
import type { CcxtVenue, VenueOptions } from '../../venues/ccxt/index.ts';
import type { CandleStore } from '../../storage/index.ts';
import type { Logger } from '../log.ts';
import type { VenuePool } from '../venues/pool.ts';
import { BarWriter } from './bar-writer.ts';
import { DEFAULT_TUNING, VenueFeed, type StreamHandler, type StreamTuning } from './feed.ts';
import { MessageGate } from './gate.ts';

export type { StreamHandler, StreamTuning } from './feed.ts';

export interface MarketStreamsDeps {
  readonly venues: VenuePool;
  /** Settings venue id → connection options (starts Kestrel Sim on demand); NotFoundError for an unknown id. */
  resolve(venue: string): Promise<VenueOptions>;
  readonly candles: CandleStore;
  readonly log: Logger;
  readonly tuning?: Partial<StreamTuning>;
  /** How long `subscribe` waits for a venue's markets before it subscribes unchecked (the stream then says why it cannot connect). */
  readonly validateMs?: number;
  /** The market whose streams stand for `symbol` on `venue` (Kestrel Sim's perpetuals trade on its pairs' prices); undefined: itself. */
  alias?(venue: string, symbol: string): string | undefined;
}

export interface Subscription {
  readonly venue: string;
  readonly symbol: string;
  readonly kinds: readonly StreamKind[];
  close(): void;
}

export class MarketStreams {
  private readonly feeds = new Map<string, Promise<VenueFeed>>();
  private readonly gates = new WeakMap<CcxtVenue, MessageGate>();
  private readonly healthListeners = new Set<(h: VenueHealth) => void>();
  private readonly d: MarketStreamsDeps;
  private readonly tuning: StreamTuning;
  private readonly writer: BarWriter;
  private closed = false;

  constructor(d: MarketStreamsDeps) {
    this.d = d;
    this.tuning = { ...DEFAULT_TUNING, ...d.tuning };
    this.writer = new BarWriter(d.candles);
  }

  /**
   * Streams (venue, symbol) `kinds` to `handler` until `close()`. Refuses an unknown venue, an unknown
   * symbol and a delisted market with a typed error; a venue that cannot be reached yet is subscribed all
   * the same and keeps retrying (its health says it is unreachable).
   */
  async subscribe(venue: string, symbol: string, kinds: readonly StreamKind[], handler: StreamHandler): Promise<Subscription> {
    if (this.closed) throw new ValidationError('Market streams are shut down');
    const unique = [...new Set(kinds)];
    if (unique.length === 0) throw new ValidationError('Nothing to subscribe to', [{ path: 'kinds', message: 'at least one kind' }]);
    const feed = await this.feed(venue);
    const market = this.d.alias?.(venue, symbol) ?? symbol;
    await this.validate(feed, market);
    const h: StreamHandler = market === symbol ? handler : (u) => handler({ ...u, symbol });
    const offs = unique.map((k) => feed.add(market, k, h));
    let open = true;
    return {
      venue,
      symbol,
      kinds: unique,
      close: () => {
        if (!open) return;
        open = false;
        for (const off of offs) off();
      },
    };
  }

  /** A venue's spot and perpetual markets matching `query` (symbol, base or quote), best match first. */
  async markets(venue: string, opts: { query?: string; type?: 'spot' | 'perp'; limit?: number; signal?: AbortSignal } = {}): Promise<MarketList> {
    const conn = await this.connection(venue);
    const all = await conn.loadInstruments(false, opts.signal);
    const q = (opts.query ?? '').trim().toUpperCase().replace(/[-_ ]/g, '/');
    const scored: [number, MarketEntry][] = [];
    for (const i of all.values()) {
      const type = i.kind === 'perpetual' ? 'perp' : 'spot';
      if (opts.type && opts.type !== type) continue;
      const score = matchScore(q, i.symbol.toUpperCase(), i.base.toUpperCase(), i.quote.toUpperCase());
      if (score < 0) continue;
      scored.push([score, { symbol: i.symbol, base: i.base, quote: i.quote, type, tickSize: i.tickSize, lotStep: i.lotSize, minNotional: i.minNotional === '0' ? null : i.minNotional, settle: i.settle }]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].symbol.localeCompare(b[1].symbol));
    const limit = opts.limit ?? 200;
    return { venue, markets: scored.slice(0, limit).map((s) => s[1]), total: scored.length };
  }

  /** Health of every venue with streams (or that had some). */
  async health(): Promise<VenueHealth[]> {
    const out: VenueHealth[] = [];
    for (const p of this.feeds.values()) {
      const f = await p.catch(() => undefined);
      if (f) out.push(f.health());
    }
    return out;
  }

  onHealth(fn: (h: VenueHealth) => void): () => void {
    this.healthListeners.add(fn);
    return () => this.healthListeners.delete(fn);
  }

  /** Waits until no bar resync runs on any venue (tests). */
  async settled(): Promise<void> {
    for (const p of this.feeds.values()) await (await p.catch(() => undefined))?.settled();
  }

  async close(): Promise<void> {
    this.closed = true;
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    await Promise.all(feeds.map(async (p) => (await p.catch(() => undefined))?.close()));
    // Finals queued in this turn are written before the store can be closed.
    this.writer.flush();
  }

  private async validate(feed: VenueFeed, symbol: string): Promise<void> {
    const ctrl = new AbortController();
    const wait = this.d.validateMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), wait);
    });
    try {
      const r = await Promise.race([feed.validate(symbol, ctrl.signal).then(() => 'ok' as const), timeout]);
      if (r === 'timeout') {
        ctrl.abort();
        this.d.log.warn({ venue: feed.id, symbol }, 'markets not loaded in time: subscribing unchecked');
      }
    } catch (e) {
      // Refusals (unknown symbol, delisted) stop here; network trouble is the stream's to retry and report.
      if (e instanceof NotFoundError || e instanceof ValidationError || (e as { retryable?: boolean }).retryable === false) throw e;
      this.d.log.warn({ venue: feed.id, symbol, err: (e as Error).message }, 'markets unavailable: subscribing unchecked');
    } finally {
      clearTimeout(timer);
    }
  }

  private async connection(venue: string): Promise<CcxtVenue> {
    const opts = await this.d.resolve(venue);
    return this.d.venues.get(opts);
  }

  private feed(venue: string): Promise<VenueFeed> {
    let p = this.feeds.get(venue);
    if (!p) {
      p = (async () => {
        const conn = await this.connection(venue);
        let gate = this.gates.get(conn);
        if (!gate) {
          gate = new MessageGate(conn.id);
          gate.install(conn.ex);
          this.gates.set(conn, gate);
        }
        const feed: VenueFeed = new VenueFeed({ id: venue, venue: conn, gate, candles: this.d.candles, writer: this.writer, log: this.d.log, tuning: this.tuning, changed: () => this.changed(feed) });
        return feed;
      })();
      this.feeds.set(venue, p);
      // An unknown venue id is not remembered: the next call asks again (settings may have gained it).
      p.catch(() => this.feeds.get(venue) === p && this.feeds.delete(venue));
    }
    return p;
  }

  private changed(feed: VenueFeed): void {
    if (this.healthListeners.size === 0) return;
    const h = feed.health();
    for (const fn of this.healthListeners) fn(h);
  }
}

/** Lower is better; -1 = no match. */
function matchScore(q: string, symbol: string, base: string, quote: string): number {
  if (!q) return 10;
  if (symbol === q || symbol.split(':')[0] === q) return 0;
  if (base === q) return 1;
  if (symbol.startsWith(q)) return 2;
  if (base.startsWith(q)) return 3;
  if (quote === q) return 4;
  if (symbol.includes(q)) return 5;
  return -1;
}
