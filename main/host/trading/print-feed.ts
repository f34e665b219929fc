/**
 * A paper session's market data when it trades on a venue's prices: the venue's live trade prints (its
 * market streams, main/host/market-streams — the same ref-counted subscriptions the chart, the book and the
 * watchlist use), as the MarketData port. So the ticket, the chart, the book, the blotter and the fills of a
 * paper account on Kestrel Sim (or any ccxt venue) all show one price.
 *
 * The session's clock is the prints' time: each print is stamped max(its venue time, the previous print's),
 * so time never runs backwards inside a session however the venue orders its messages.
 *
 * Every print the session saw is kept (`drain`) until the session writes it to its audit stream (compose.ts,
 * a `prints` event before each command and every second), so a re-run (main/host/audit/paper-rerun.ts)
 * replays exactly these prints in the order the session saw them relative to its commands: `replay` feeds
 * them through the same code, closed 1m candles included.
 */
import type { Candle, Trade } from '../../core/model/index.ts';
import type { MarketData, MarketDataHandler } from '../../core/ports.ts';

type Levels = readonly (readonly [number, number])[];

/**
 * One market event as recorded: a trade print [symbol, ts, price, qty]; a book [symbol, ts, bids, asks]
 * (top BOOK_LEVELS levels); or [symbol, ts] = the same book as that symbol's previous one, again at ts
 * (a venue republishing an unchanged book is still an event the paper venue matches on).
 */
export type RecordedPrint =
  | readonly [symbol: string, ts: number, price: number, qty: number]
  /** A perpetual's mark price from the venue (premiumIndex), what a paper perpetual is liquidated on. */
  | readonly [symbol: string, ts: number, kind: 'mark', price: number]
  | readonly [symbol: string, ts: number, bids: Levels, asks: Levels]
  | readonly [symbol: string, ts: number];

/** Levels per side the paper venue sees (and the session records). */
export const BOOK_LEVELS = 10;

/** Where live prints come from: a venue's trade and book streams per symbol (MarketStreams in the host). */
export interface TradePrints {
  subscribe(symbol: string, onPrint: (p: { ts: number; price: number; qty: number }) => void, onBook: (b: { ts: number; bids: Levels; asks: Levels }) => void): Promise<{ close(): void }>;
}

export interface PrintFeedOptions {
  /** The session's start: no print is stamped earlier. */
  readonly startTs: number;
  /** Live prints (absent: a re-run, fed with `replay`). */
  readonly source?: TradePrints;
  /** Runs each live print's delivery (the session runs it as one market batch: one ledger commit). */
  readonly deliver?: (fn: () => void) => void;
  readonly onError?: (symbol: string, error: unknown) => void;
  /** Receives each mark price (`mark`, and recorded ones in a replay): the paper venue's liquidation check. */
  readonly onMark?: (symbol: string, ts: number, price: number) => void;
}

const MINUTE = 60_000;

type Bar = { -readonly [K in keyof Candle]: Candle[K] };

export class PrintFeed implements MarketData {
  private readonly o: PrintFeedOptions;
  private readonly handlers = new Set<{ symbols: ReadonlySet<string>; h: MarketDataHandler }>();
  private readonly bars = new Map<string, Bar>();
  private readonly books = new Map<string, { bids: Levels; asks: Levels; key: string }>();
  private pending: RecordedPrint[] = [];
  private last: number;
  private count = 0;

  constructor(o: PrintFeedOptions) {
    this.o = o;
    this.last = o.startTs;
  }

  /** Time of the last print delivered (the start before the first). */
  get lastTs(): number {
    return this.last;
  }

  /** How many prints were delivered. */
  get printed(): number {
    return this.count;
  }

  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void {
    const entry = { symbols: new Set(symbols), h: handler };
    this.handlers.add(entry);
    const src = this.o.source;
    let closed = false;
    const subs: Promise<{ close(): void } | undefined>[] = [];
    if (src) {
      const deliver = this.o.deliver ?? ((fn: () => void) => fn());
      for (const symbol of symbols) {
        subs.push(
          src
            .subscribe(
              symbol,
              (p) => {
                if (!closed) deliver(() => this.print(symbol, p.ts, p.price, p.qty));
              },
              (b) => {
                if (!closed) deliver(() => this.book(symbol, b.ts, b.bids.slice(0, BOOK_LEVELS), b.asks.slice(0, BOOK_LEVELS)));
              },
            )
            .catch((e: unknown) => {
              this.o.onError?.(symbol, e);
              return undefined;
            }),
        );
      }
    }
    return () => {
      closed = true;
      this.handlers.delete(entry);
      for (const s of subs) void s.then((x) => x?.close());
    };
  }

  /** Delivers recorded prints (a re-run), each through the same path a live one takes. */
  replay(prints: readonly RecordedPrint[], each: (fn: () => void) => void = (fn) => fn()): void {
    for (const r of prints) {
      if (r.length === 2) each(() => this.book(r[0], r[1]));
      else if (r[2] === 'mark') each(() => this.mark(r[0], r[1], r[3] as number));
      else if (typeof r[2] === 'number') each(() => this.print(r[0], r[1], r[2] as number, r[3] as number));
      else each(() => this.book(r[0], r[1], r[2] as Levels, r[3] as Levels));
    }
  }

  /** The prints delivered since the last drain, for the session's audit stream. */
  drain(): RecordedPrint[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** The venue's mark price of `symbol` now (a live poll, or a recorded one replayed): recorded, then handed on. */
  mark(symbol: string, venueTs: number, price: number): void {
    if (!(Number.isFinite(price) && price > 0 && Number.isFinite(venueTs))) return;
    const ts = Math.max(venueTs, this.last);
    this.last = ts;
    this.pending.push([symbol, ts, 'mark', price]);
    this.o.onMark?.(symbol, ts, price);
  }

  /** A book snapshot (absent levels: the symbol's previous book again). */
  private book(symbol: string, venueTs: number, bids?: Levels, asks?: Levels): void {
    if (!Number.isFinite(venueTs)) return;
    const prev = this.books.get(symbol);
    let b = prev;
    if (bids && asks) {
      const key = JSON.stringify([bids, asks]);
      if (!prev || prev.key !== key) this.books.set(symbol, (b = { bids, asks, key }));
    }
    if (!b) return;
    const ts = Math.max(venueTs, this.last);
    this.last = ts;
    this.pending.push(b === prev ? [symbol, ts] : [symbol, ts, b.bids, b.asks]);
    const u = { kind: 'snapshot' as const, symbol, ts, bids: b.bids, asks: b.asks };
    for (const e of this.handlers) if (e.symbols.has(symbol)) e.h.onBook(u);
  }

  private print(symbol: string, venueTs: number, price: number, qty: number): void {
    if (!(Number.isFinite(price) && price > 0 && Number.isFinite(qty) && qty >= 0 && Number.isFinite(venueTs))) return;
    const ts = Math.max(venueTs, this.last);
    this.last = ts;
    this.count++;
    this.pending.push([symbol, ts, price, qty]);
    const minute = ts - (ts % MINUTE);
    let bar = this.bars.get(symbol);
    if (bar && bar.ts !== minute) {
      const closed = bar;
      bar = undefined;
      this.bars.delete(symbol);
      for (const e of this.handlers) if (e.symbols.has(symbol)) e.h.onCandle(symbol, { ...closed });
    }
    if (!bar) this.bars.set(symbol, (bar = { ts: minute, open: price, high: price, low: price, close: price, volume: 0 }));
    bar.high = Math.max(bar.high, price);
    bar.low = Math.min(bar.low, price);
    bar.close = price;
    bar.volume += qty;
    const trade: Trade = { symbol, ts, price, qty };
    for (const e of this.handlers) if (e.symbols.has(symbol)) e.h.onTrade(trade);
  }
}
