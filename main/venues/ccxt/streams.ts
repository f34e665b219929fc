/**
 * Live streams over ccxt.pro with reconnect: each stream is a loop around one `watch*` call. A retryable
 * failure (socket dropped, garbled frame, 5xx on the snapshot, venue unreachable) backs off exponentially
 * with jitter and tries again — ccxt reconnects on the next watch; a refusal (bad symbol, delisted market)
 * ends the stream with a status. Where the exchange class has no websocket method for the kind, the loop
 * polls the REST endpoint instead, paced by the venue's rate limiter, and says so (`mode: 'poll'`).
 * Duplicated and late messages are filtered here: candles by timestamp, trades by id.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, type KestrelError } from '../../core/errors.ts';
import { numberFromText, type Candle, type OrderBookSnapshot, type Trade } from '../../core/model/index.ts';
import type { CcxtVenue } from './client.ts';
import { mapCcxtError } from './errors.ts';

/** `mark`: a perpetual's mark price (Binance USDⓈ-M `<symbol>@markPrice@1s`; polled: premiumIndex). */
export type StreamKind = 'candles' | 'trades' | 'book' | 'ticker' | 'mark';

export interface StreamStatus {
  readonly state: 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'failed';
  readonly attempt: number;
  readonly error?: string;
  /** websocket (ccxt pro watch*) or REST polling where the venue has no websocket for the kind. */
  readonly mode?: 'websocket' | 'poll';
  /** The failure was a 429/418: the venue asked us to slow down. */
  readonly rateLimited?: boolean;
  /** The failure was the network (venue unreachable, socket dropped), not a refusal. */
  readonly network?: boolean;
}

export interface TickerUpdate {
  readonly symbol: string;
  readonly ts: number;
  readonly last: number;
  readonly high: number;
  readonly low: number;
  readonly baseVolume: number;
  /** NaN where the venue's ticker does not carry it. */
  readonly bid: number;
  readonly ask: number;
  readonly open: number;
  readonly changePct: number;
  readonly quoteVolume: number;
}

export interface MarkUpdate {
  readonly symbol: string;
  /** The venue's event time (ms). */
  readonly ts: number;
  readonly markPrice: number;
}

export interface StreamHandlers {
  onCandle?(candle: Candle): void;
  onTrade?(trade: Trade): void;
  onBook?(book: OrderBookSnapshot): void;
  onTicker?(ticker: TickerUpdate): void;
  onMark?(mark: MarkUpdate): void;
  onStatus?(status: StreamStatus): void;
}

export interface StreamOptions {
  readonly timeframe?: string;
  readonly depth?: number;
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** Give up after this many consecutive failures (default: never). */
  readonly maxAttempts?: number;
  /** Poll interval (ms) where the venue has no websocket for the kind (default: from its rate limit, ≥ 1 s). */
  readonly pollMs?: number;
  /** Force REST polling even where a websocket exists (tests, venues with broken streams). */
  readonly poll?: boolean;
}

/** Trade ids remembered per stream to drop a trade delivered twice (ccxt's cache resent after a reconnect). */
const SEEN_TRADES = 4096;

/**
 * The best `depth` levels of one side of ccxt's book, copied (ccxt keeps changing its own arrays). The
 * copy is fresh on every update and not kept here: a receiver may hand it on without copying again.
 */
function topLevels(side: readonly (readonly unknown[])[], depth: number): [number, number][] {
  const n = Math.min(depth, side.length);
  const out = new Array<[number, number]>(n);
  for (let i = 0; i < n; i++) {
    const l = side[i]!;
    out[i] = [numberFromText(l[0]), numberFromText(l[1])];
  }
  return out;
}

const WATCH = { candles: 'watchOHLCV', trades: 'watchTrades', book: 'watchOrderBook', ticker: 'watchTicker', mark: 'watchMarkPrice' } as const;

export interface StreamHandle {
  readonly done: Promise<void>;
  status(): StreamStatus;
  close(): Promise<void>;
}

export function openStream(venue: CcxtVenue, kind: StreamKind, symbol: string, handlers: StreamHandlers, opts: StreamOptions = {}): StreamHandle {
  const abort = new AbortController();
  const baseMs = opts.backoff?.baseMs ?? 500;
  const maxMs = opts.backoff?.maxMs ?? 30_000;
  let current: StreamStatus = { state: 'connecting', attempt: 0 };
  const setStatus = (s: StreamStatus) => {
    current = s;
    handlers.onStatus?.(s);
  };
  // The last candle delivered, field by field (an exact repeat is dropped).
  let lastCandleTs = -Infinity;
  const lastCandle = [Number.NaN, Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  // The newest SEEN_TRADES trade ids, in a ring (the oldest forgotten as a new one comes: no shift per trade).
  const seenTrades = new Set<string>();
  const seenOrder: (string | undefined)[] = new Array<string | undefined>(SEEN_TRADES);
  let seenAt = 0;
  let lastTradeTs = -Infinity;
  const ex = venue.ex;

  const deliver = (data: unknown) => {
    if (kind === 'candles') {
      for (const r of data as unknown[][]) {
        const ts = Number(r[0]);
        if (!(ts >= lastCandleTs)) continue; // late message for an older bar
        const open = numberFromText(r[1]);
        const high = numberFromText(r[2]);
        const low = numberFromText(r[3]);
        const close = numberFromText(r[4]);
        const volume = numberFromText(r[5]);
        const c = lastCandle;
        // An exact duplicate (Object.is: NaN repeats too, as the string key this replaced compared).
        if (ts === lastCandleTs && Object.is(open, c[0]) && Object.is(high, c[1]) && Object.is(low, c[2]) && Object.is(close, c[3]) && Object.is(volume, c[4])) continue;
        lastCandleTs = ts;
        c[0] = open;
        c[1] = high;
        c[2] = low;
        c[3] = close;
        c[4] = volume;
        handlers.onCandle?.({ ts, open, high, low, close, volume });
      }
    } else if (kind === 'trades') {
      for (const t of data as { id?: string; timestamp?: number; price?: number; amount?: number; side?: string }[]) {
        const id = t.id === undefined ? `${t.timestamp}|${t.price}|${t.amount}` : String(t.id);
        if (seenTrades.has(id)) continue;
        seenTrades.add(id);
        const old = seenOrder[seenAt];
        if (old !== undefined) seenTrades.delete(old);
        seenOrder[seenAt] = id;
        seenAt = (seenAt + 1) % SEEN_TRADES;
        const ts = Number(t.timestamp);
        if (ts > lastTradeTs) lastTradeTs = ts;
        const trade: Trade = t.side === 'buy' || t.side === 'sell'
          ? { symbol, ts, price: numberFromText(t.price), qty: numberFromText(t.amount), aggressor: t.side, id }
          : { symbol, ts, price: numberFromText(t.price), qty: numberFromText(t.amount), id };
        handlers.onTrade?.(trade);
      }
    } else if (kind === 'book') {
      const ob = data as { timestamp?: number; nonce?: number; bids: number[][]; asks: number[][] };
      const d = opts.depth ?? 20;
      handlers.onBook?.({
        kind: 'snapshot',
        symbol,
        ts: Number(ob.timestamp ?? Date.now()),
        bids: topLevels(ob.bids, d),
        asks: topLevels(ob.asks, d),
        ...(ob.nonce !== undefined ? { seq: Number(ob.nonce) } : {}),
      });
    } else if (kind === 'mark') {
      // A mark that is not a finite positive number is a broken frame: dropped, the next one is a second away.
      const t = data as { timestamp?: number; markPrice?: number; info?: { p?: unknown; markPrice?: unknown } };
      const markPrice = numberFromText(t.info?.p ?? t.info?.markPrice ?? t.markPrice);
      if (markPrice > 0) handlers.onMark?.({ symbol, ts: Number(t.timestamp ?? Date.now()), markPrice });
    } else {
      const t = data as { timestamp?: number; last?: number; high?: number; low?: number; baseVolume?: number; bid?: number; ask?: number; open?: number; percentage?: number; quoteVolume?: number };
      const n = numberFromText;
      handlers.onTicker?.({
        symbol, ts: Number(t.timestamp), last: n(t.last), high: n(t.high), low: n(t.low), baseVolume: n(t.baseVolume),
        bid: n(t.bid), ask: n(t.ask), open: n(t.open), changePct: n(t.percentage), quoteVolume: n(t.quoteVolume),
      });
    }
  };

  const has = (ex as unknown as { has: Record<string, unknown> }).has;
  const mode: 'websocket' | 'poll' = !opts.poll && has[WATCH[kind]] ? 'websocket' : 'poll';
  const pollMs = opts.pollMs ?? Math.max(1_000, 2 * (Number(ex.rateLimit) || 500));
  let polled = false;
  const tf = opts.timeframe ?? '1m';
  const watch = async (): Promise<unknown> => {
    if (mode === 'poll') {
      // The first poll answers at once; later ones wait their turn (the limiter paces the calls themselves).
      if (polled) await sleep(pollMs, undefined, { signal: abort.signal });
      polled = true;
      switch (kind) {
        case 'candles':
          return venue.call('fetchOHLCV', () => ex.fetchOHLCV(symbol, tf, undefined, 2), { symbol, signal: abort.signal });
        case 'trades':
          return venue.call('fetchTrades', () => ex.fetchTrades(symbol, undefined, 50), { symbol, signal: abort.signal });
        case 'book':
          return venue.call('fetchOrderBook', () => ex.fetchOrderBook(symbol, opts.depth ?? 20), { symbol, signal: abort.signal });
        case 'mark':
          return venue.call('fetchMarkPrice', () => ex.fetchMarkPrice(symbol), { symbol, signal: abort.signal });
        default:
          return venue.call('fetchTicker', () => ex.fetchTicker(symbol), { symbol, signal: abort.signal });
      }
    }
    switch (kind) {
      case 'candles':
        return ex.watchOHLCV(symbol, tf);
      case 'trades':
        return ex.watchTrades(symbol);
      case 'book':
        return ex.watchOrderBook(symbol);
      case 'mark':
        return ex.watchMarkPrice(symbol);
      default:
        return ex.watchTicker(symbol);
    }
  };

  const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(new CancelledError('stream closed')), { once: true }));
  aborted.catch(() => {});

  const loop = async () => {
    let attempt = 0;
    let ready = false;
    setStatus({ state: 'connecting', attempt: 0, mode });
    while (!abort.signal.aborted) {
      try {
        if (!ready) {
          // Markets first: an unreachable venue is retried like a dropped socket, an unknown symbol is not.
          await venue.prepareStreams();
          await venue.loadInstruments(false, abort.signal);
          ready = true;
        }
        const data = await Promise.race([watch(), aborted]);
        // Data first: whoever reacts to `live` (a resync) already sees what the connection brought.
        deliver(data);
        if (current.state !== 'live') setStatus({ state: 'live', attempt, mode });
        attempt = 0;
      } catch (e) {
        if (abort.signal.aborted) break;
        const err: KestrelError = mapCcxtError(e, { exchange: venue.id, op: `${ready ? 'watch' : 'stream'} ${kind}`, symbol });
        attempt++;
        const flags = { mode, ...(err.details?.rateLimited ? { rateLimited: true } : {}), ...(err.retryable ? { network: true } : {}) };
        if (!err.retryable || (opts.maxAttempts !== undefined && attempt > opts.maxAttempts)) {
          setStatus({ state: 'failed', attempt, error: err.message, ...flags });
          return;
        }
        setStatus({ state: 'reconnecting', attempt, error: err.message, ...flags });
        const delay = Math.min(maxMs, baseMs * 2 ** (attempt - 1)) * (0.5 + Math.random() * 0.5);
        try {
          await sleep(delay, undefined, { signal: abort.signal });
        } catch {
          break;
        }
      }
    }
    setStatus({ state: 'stopped', attempt: 0, mode });
  };

  const done = loop();
  return {
    done,
    status: () => current,
    async close() {
      abort.abort();
      await done;
    },
  };
}
