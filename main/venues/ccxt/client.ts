/**
 * A connection to one ccxt exchange: markets as Instruments, candles as columns, trades, order books, every
 * call paced by the shared limiter, retried on retryable failures with exponential backoff + jitter, and
 * every error mapped to the typed tree. ccxt's own throttle is off: ours is shared across instances.
 */
import ccxt, { type Exchange } from 'ccxt';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, KestrelError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { columnsFromRows, type OhlcvColumns } from '../../core/data/index.ts';
import { numberFromText, type Instrument, type OrderBookSnapshot, type Trade } from '../../core/model/index.ts';
import { exchangeInfo } from './catalogue.ts';
import { mapCcxtError } from './errors.ts';
import { marketToInstrument } from './instruments.ts';
import { sharedLimiter, type RateLimit, type RateLimiter } from './limiter.ts';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export interface VenueOptions {
  /** ccxt id, e.g. `binance`. */
  readonly exchange: string;
  readonly apiKey?: string;
  readonly secret?: string;
  readonly password?: string;
  /** Point a Binance-protocol exchange at other hosts (the loopback mock): `{ rest: 'http://127.0.0.1:P', ws: 'ws://127.0.0.1:P/ws' }`. */
  readonly endpoints?: { readonly rest: string; readonly ws?: string };
  /** Market types to load (ccxt binance option); default spot only when endpoints are overridden. */
  readonly marketTypes?: readonly string[];
  readonly rateLimit?: RateLimit;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
  /** The exchange's testnet/demo environment (ccxt's sandbox mode), where it has one. */
  readonly sandbox?: boolean;
  /** How long a signed request stays valid at the venue (Binance `recvWindow`; ccxt's default 10 s). */
  readonly recvWindowMs?: number;
}

const BINANCE_FAMILY = new Set(['binance', 'binanceus', 'binanceusdm']);

function loopbackUrls(ex: Exchange, rest: string, ws: string | undefined): void {
  const api = { ...(ex.urls.api as Record<string, unknown>) };
  for (const k of Object.keys(api)) {
    if (typeof api[k] !== 'string') continue;
    const path = new URL(api[k] as string).pathname;
    api[k] = rest.replace(/\/$/, '') + path;
  }
  if (ws) {
    const wsMap = { ...(api.ws as Record<string, unknown>) };
    for (const k of Object.keys(wsMap)) if (typeof wsMap[k] === 'string') wsMap[k] = ws;
    // The WebSocket API (spot user data stream, order entry) keeps its own path on the loopback host.
    const origin = new URL(ws).origin;
    const wsApi = wsMap['ws-api'];
    if (wsApi && typeof wsApi === 'object') {
      wsMap['ws-api'] = Object.fromEntries(Object.entries(wsApi as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? origin + new URL(v).pathname : v]));
    }
    api.ws = wsMap;
  }
  ex.urls = { ...ex.urls, api } as typeof ex.urls;
  // ccxt picks Binance's per-market error maps (e.g. futures -2019 → InsufficientFunds) by the real host
  // name; on the loopback host it would fall back to the generic map, so the host is named back by path.
  const base = rest.replace(/\/$/, '');
  const hosted = ex as unknown as { getExceptionsByUrl?: (url: string, kind: string) => unknown };
  const original = hosted.getExceptionsByUrl?.bind(ex);
  if (original) {
    hosted.getExceptionsByUrl = (url: string, kind: string) => {
      if (typeof url !== 'string' || !url.startsWith(base)) return original(url, kind);
      const path = url.slice(base.length);
      const host = /^\/fapi\//.test(path) ? 'fapi' : /^\/dapi\//.test(path) ? 'dapi' : /^\/eapi\//.test(path) ? 'eapi' : /^\/papi\//.test(path) ? 'papi' : 'api';
      return original(`https://${host}.binance.com${path}`, kind);
    };
  }
}

export class CcxtVenue {
  readonly id: string;
  readonly ex: Exchange;
  readonly limiter: RateLimiter;
  private readonly retry: RetryPolicy;
  private instruments: Map<string, Instrument> | undefined;
  private readonly plainWs: boolean;

  constructor(opts: VenueOptions) {
    const info = exchangeInfo(opts.exchange);
    if (!info) throw new NotFoundError('exchange', opts.exchange);
    if (opts.endpoints && !BINANCE_FAMILY.has(opts.exchange)) throw new ValidationError(`Endpoint override is only supported for Binance-protocol exchanges, not ${opts.exchange}`);
    const ns = (info.pro ? ccxt.pro : ccxt) as unknown as Record<string, new (cfg: object) => Exchange>;
    const Ctor = ns[opts.exchange]!;
    const marketTypes = opts.marketTypes ?? (opts.endpoints ? ['spot'] : undefined);
    this.ex = new Ctor({
      enableRateLimit: false,
      timeout: opts.timeoutMs ?? 10_000,
      ...(opts.apiKey ? { apiKey: opts.apiKey, secret: opts.secret, password: opts.password } : {}),
      options: {
        ...(marketTypes ? { fetchMarkets: { types: [...marketTypes] } } : {}),
        ...(opts.endpoints ? { fetchCurrencies: false, fetchMargins: false } : {}),
        ...(opts.recvWindowMs !== undefined ? { recvWindow: opts.recvWindowMs } : {}),
      },
    });
    if (opts.sandbox) {
      if (!(this.ex.urls as { test?: unknown }).test) throw new ValidationError(`${opts.exchange} has no testnet/demo environment in ccxt`);
      this.ex.setSandboxMode(true);
    }
    if (opts.endpoints) loopbackUrls(this.ex, opts.endpoints.rest, opts.endpoints.ws);
    // ccxt prints a websocket frame that does not parse to stdout and drops it; the stream gate counts those
    // (main/host/market-streams/gate.ts), so nothing is lost by keeping the terminal quiet.
    (this.ex as unknown as { log: (...args: unknown[]) => void }).log = () => {};
    this.plainWs = opts.endpoints?.ws?.startsWith('ws://') ?? false;
    // ccxt hands a truncated or non-JSON 200 body back as a plain string, which its parsers then read as
    // "no data". An empty page would end a backfill early, so a body that does not parse is an error here.
    const ex = this.ex as unknown as { onRestResponse: (status: number, ...rest: unknown[]) => string };
    const original = ex.onRestResponse.bind(this.ex);
    ex.onRestResponse = (status: number, ...rest: unknown[]) => {
      const text = original(status, ...rest);
      if (status >= 200 && status < 300 && text !== '') {
        try {
          JSON.parse(text);
        } catch {
          throw new ccxt.BadResponse(`${opts.exchange} sent a body that is not JSON (${text.length} bytes: ${text.slice(0, 60)}…)`);
        }
      }
      return text;
    };
    this.id = opts.exchange;
    const keyId = `${opts.apiKey ?? 'public'}@${opts.endpoints?.rest ?? (opts.sandbox ? 'sandbox' : 'live')}`;
    // ccxt's `rateLimit` is ms between requests at cost 1.
    const perSecond = opts.rateLimit?.perSecond ?? 1000 / Math.max(1, Number(this.ex.rateLimit) || 100);
    this.limiter = sharedLimiter(opts.exchange, keyId, { perSecond, burst: opts.rateLimit?.burst ?? 5 });
    this.retry = { attempts: 6, baseMs: 250, maxMs: 8_000, ...opts.retry };
  }

  /** Paced, retried, error-mapped call. */
  async call<T>(op: string, fn: () => Promise<T>, opts: { symbol?: string; signal?: AbortSignal; cost?: number } = {}): Promise<T> {
    const { attempts, baseMs, maxMs } = this.retry;
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw new CancelledError();
      await this.limiter.take(opts.cost ?? 1, opts.signal);
      try {
        return await fn();
      } catch (e) {
        // ccxt caches the loadMarkets promise, a rejected one included, and every later call (its own
        // internal ones too) would get that same failure: drop it so the retry really asks again.
        const ex = this.ex as unknown as { markets?: unknown; marketsLoading?: unknown };
        if (op === 'loadMarkets' || !ex.markets) ex.marketsLoading = undefined;
        const err = mapCcxtError(e, { exchange: this.id, op, ...(opts.symbol ? { symbol: opts.symbol } : {}) });
        if (!err.retryable || attempt + 1 >= attempts) throw err;
        const backoff = Math.min(maxMs, baseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
        if (err.details?.rateLimited) this.limiter.penalise(backoff);
        try {
          await sleep(backoff, undefined, opts.signal ? { signal: opts.signal } : undefined);
        } catch {
          throw new CancelledError();
        }
      }
    }
  }

  /** Streams need this once before the first ws:// (non-TLS, i.e. loopback) connection. */
  async prepareStreams(): Promise<void> {
    if (this.plainWs) await (this.ex as unknown as { loadHttpProxyAgent(): Promise<unknown> }).loadHttpProxyAgent();
  }

  async loadInstruments(reload = false, signal?: AbortSignal): Promise<Map<string, Instrument>> {
    if (this.instruments && !reload) return this.instruments;
    const markets = await this.call('loadMarkets', () => this.ex.loadMarkets(reload), { ...(signal ? { signal } : {}), cost: 5 });
    const out = new Map<string, Instrument>();
    for (const m of Object.values(markets)) {
      if (!m) continue;
      try {
        const inst = marketToInstrument(m, this.id, Number(this.ex.precisionMode));
        if (inst) out.set(inst.symbol, inst);
      } catch (e) {
        // One odd market (zero tick, >18 decimals) must not hide all the others.
        if (!(e instanceof KestrelError)) throw e;
      }
    }
    this.instruments = out;
    return out;
  }

  async instrument(symbol: string): Promise<Instrument> {
    const all = await this.loadInstruments();
    const i = all.get(symbol);
    if (!i) throw new NotFoundError(`instrument on ${this.id}`, symbol);
    return i;
  }

  /** One page of candles from `since` (inclusive), ascending as the venue sent them (not yet validated). */
  async fetchCandles(symbol: string, timeframe: string, since: number | undefined, limit: number, signal?: AbortSignal): Promise<OhlcvColumns> {
    await this.loadInstruments(false, signal);
    const rows = await this.call('fetchOHLCV', () => this.ex.fetchOHLCV(symbol, timeframe, since, limit), { symbol, ...(signal ? { signal } : {}) });
    if (!Array.isArray(rows)) throw mapCcxtError(new TypeError('fetchOHLCV did not return a list'), { exchange: this.id, op: 'fetchOHLCV', symbol });
    return columnsFromRows(rows.map((r) => (Array.isArray(r) ? r.map(numberFromText) : [Number.NaN])));
  }

  async fetchTrades(symbol: string, since?: number, limit?: number, signal?: AbortSignal): Promise<Trade[]> {
    await this.loadInstruments(false, signal);
    const list = await this.call('fetchTrades', () => this.ex.fetchTrades(symbol, since, limit), { symbol, ...(signal ? { signal } : {}) });
    return list.map((t) => ({
      symbol,
      ts: Number(t.timestamp),
      price: numberFromText(t.price),
      qty: numberFromText(t.amount),
      ...(t.side === 'buy' || t.side === 'sell' ? { aggressor: t.side } : {}),
      ...(t.id !== undefined ? { id: String(t.id) } : {}),
    }));
  }

  async fetchOrderBook(symbol: string, limit?: number, signal?: AbortSignal): Promise<OrderBookSnapshot> {
    await this.loadInstruments(false, signal);
    const ob = await this.call('fetchOrderBook', () => this.ex.fetchOrderBook(symbol, limit), { symbol, ...(signal ? { signal } : {}) });
    const lv = (l: unknown[]) => [numberFromText(l[0]), numberFromText(l[1])] as const;
    return {
      kind: 'snapshot',
      symbol,
      ts: Number(ob.timestamp ?? Date.now()),
      bids: ob.bids.map((l) => lv(l as unknown[])),
      asks: ob.asks.map((l) => lv(l as unknown[])),
      ...(ob.nonce !== undefined ? { seq: Number(ob.nonce) } : {}),
    };
  }

  async fetchTicker(symbol: string, signal?: AbortSignal): Promise<{ symbol: string; ts: number; last: number; bid: number; ask: number; high: number; low: number; baseVolume: number }> {
    await this.loadInstruments(false, signal);
    const t = await this.call('fetchTicker', () => this.ex.fetchTicker(symbol), { symbol, ...(signal ? { signal } : {}) });
    return { symbol, ts: Number(t.timestamp), last: numberFromText(t.last), bid: numberFromText(t.bid), ask: numberFromText(t.ask), high: numberFromText(t.high), low: numberFromText(t.low), baseVolume: numberFromText(t.baseVolume) };
  }

  /** The venue's clock (ms), or undefined when the exchange class cannot tell it. */
  async serverTime(signal?: AbortSignal): Promise<number | undefined> {
    if (!(this.ex.has as Record<string, unknown>).fetchTime) return undefined;
    const t = await this.call('fetchTime', () => this.ex.fetchTime(), signal ? { signal } : {});
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
  }

  /** ccxt's `active` flag of a loaded market: false = delisted or halted; undefined = unknown symbol or not stated. */
  marketActive(symbol: string): boolean | undefined {
    const m = (this.ex.markets as Record<string, { active?: boolean | null } | undefined> | undefined)?.[symbol];
    return m && typeof m.active === 'boolean' ? m.active : undefined;
  }

  /**
   * Fails every open websocket of this connection as if it had timed out, so the watch loops reconnect (a
   * stalled stream: the socket is open, nothing arrives). The sockets are terminated, not closed politely:
   * a stalled peer would not answer the close handshake. A connection still being opened is left alone: it
   * has not had its chance yet, and failing it before its socket exists would leave that socket orphaned.
   */
  dropStreams(reason: string): number {
    const all = Object.values((this.ex as unknown as { clients?: Record<string, { onError(e: Error): void; connection?: { readyState?: number; terminate?(): void } }> }).clients ?? {});
    const clients = all.filter((c) => c.connection?.readyState === 1);
    for (const c of clients) {
      try {
        c.onError(new ccxt.RequestTimeout(reason));
        c.connection?.terminate?.();
      } catch {
        // a client half-way through closing: nothing more to drop
      }
    }
    return clients.length;
  }

  async close(): Promise<void> {
    try {
      await this.ex.close();
    } catch {
      // closing a never-opened socket throws in some ccxt versions; nothing to release then
    }
  }
}
