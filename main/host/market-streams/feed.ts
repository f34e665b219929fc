/**
 * One venue connection's live streams: a channel per (symbol, kind), opened on its first subscriber and
 * closed with its last (ref-counted), each a ccxt pro watch loop (main/venues/ccxt/streams.ts) that
 * reconnects with backoff. Around them:
 *  - the message gate (gate.ts) counts and drops malformed, duplicated and out-of-order messages;
 *  - a heartbeat watchdog: no message for `heartbeatMs` while streams are open is a stall; the sockets are
 *    dropped so the loops reconnect;
 *  - after every (re)connect a REST resync: missed 1m bars (live-bars.ts) and a fresh book snapshot;
 *  - health: state, last message age, lag to the venue's clock (skew-corrected), reconnects, drops.
 */
import { NotFoundError, ValidationError, type KestrelError } from '../../core/errors.ts';
import type { StreamKind, StreamState, StreamUpdate, SymbolHealth, VenueHealth } from '../../contract/streams.ts';
import { openStream, type CcxtVenue, type StreamHandle, type StreamStatus } from '../../venues/ccxt/index.ts';
import type { CandleStore } from '../../storage/index.ts';
import type { Logger } from '../log.ts';
import type { MessageGate } from './gate.ts';
import type { BarSink } from './bar-writer.ts';
import { LiveBars } from './live-bars.ts';

export type StreamHandler = (u: StreamUpdate) => void;

export interface StreamTuning {
  /** No message for this long while streams are open = a stall (ms). */
  readonly heartbeatMs: number;
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** How far back a resync reaches (1m bars). */
  readonly resyncMaxBars: number;
  readonly bookDepth: number;
  /** REST polling interval where a venue has no websocket (default from its rate limit). */
  readonly pollMs?: number;
  /** Poll even where websockets exist. */
  readonly poll?: boolean;
}

export const DEFAULT_TUNING: StreamTuning = { heartbeatMs: 30_000, backoff: { baseMs: 500, maxMs: 30_000 }, resyncMaxBars: 7 * 1440, bookDepth: 50 };

const CLOCK_SKEW_WARN_MS = 2_000;

const KIND: Record<StreamKind, 'candles' | 'trades' | 'book' | 'ticker'> = { ohlcv: 'candles', trades: 'trades', book: 'book', ticker: 'ticker' };
const nn = (x: number): number | null => (Number.isFinite(x) ? x : null);

interface Channel {
  readonly symbol: string;
  readonly kind: StreamKind;
  readonly handlers: Set<StreamHandler>;
  handle: StreamHandle | undefined;
  status: StreamStatus;
  everLive: boolean;
  readonly openedAt: number;
  /** When its stream last delivered (Date.now()), 0 before the first. */
  lastDataAt: number;
  /** Set when the venue stopped listing the market while it streamed. */
  delisted?: string;
  bars?: LiveBars;
  resyncError: KestrelError | null;
}

export interface FeedDeps {
  /** The settings venue id (also the market.db source of its bars). */
  readonly id: string;
  readonly venue: CcxtVenue;
  readonly gate: MessageGate;
  readonly candles: CandleStore;
  /** Where closed stream bars are written (batched per event-loop turn); default: `candles` at once. */
  readonly writer?: BarSink;
  readonly log: Logger;
  readonly tuning: StreamTuning;
  /** Something changed that the health view shows. */
  readonly changed: () => void;
}

export class VenueFeed {
  private readonly channels = new Map<string, Channel>();
  private readonly d: FeedDeps;
  private watchdog: NodeJS.Timeout | undefined;
  private stalled = false;
  private kickedAt = 0;
  /** Silence tolerated before the next kick: the heartbeat, doubled after each kick that brought nothing back (a reconnect takes time). */
  private patience = 0;
  private skew: number | null = null;
  private skewing = false;
  private reconnects = 0;
  private stalls = 0;
  private resyncs = 0;
  private barsStored = 0;
  private readonly marketIds = new Map<string, string>();
  private listingCheck: Promise<void> | undefined;
  private listingCheckedAt = 0;
  private readonly listener: MessageGate['listeners'] extends Set<infer L> ? L : never;

  constructor(d: FeedDeps) {
    this.d = d;
    this.listener = {
      finalKline: (marketId, interval, bar) => {
        if (interval !== '1m') return;
        const symbol = this.marketIds.get(marketId);
        if (symbol) this.channels.get(key(symbol, 'ohlcv'))?.bars?.final(bar);
      },
      message: () => {
        this.patience = this.d.tuning.heartbeatMs;
        if (this.stalled) {
          this.stalled = false;
          d.changed();
        }
      },
    };
    d.gate.listeners.add(this.listener);
  }

  get id(): string {
    return this.d.id;
  }

  get size(): number {
    return this.channels.size;
  }

  /** Checks the market exists and trades (markets are loaded first; network trouble is not a refusal). */
  async validate(symbol: string, signal?: AbortSignal): Promise<void> {
    const markets = await this.d.venue.loadInstruments(false, signal);
    if (!markets.has(symbol)) throw new NotFoundError(`market on ${this.d.id} (unknown symbol)`, symbol);
    this.rememberMarketId(symbol);
    if (this.d.venue.marketActive(symbol) === false) throw new ValidationError(`${symbol} on ${this.d.id} is delisted or halted: it does not trade`, [{ path: 'symbol', message: 'market not active' }]);
  }

  add(symbol: string, kind: StreamKind, handler: StreamHandler): () => void {
    const k = key(symbol, kind);
    let ch = this.channels.get(k);
    if (!ch) {
      ch = { symbol, kind, handlers: new Set(), handle: undefined, status: { state: 'connecting', attempt: 0 }, everLive: false, openedAt: Date.now(), lastDataAt: 0, resyncError: null };
      this.channels.set(k, ch);
      this.open(ch);
    }
    ch.handlers.add(handler);
    this.d.changed();
    return () => {
      const c = this.channels.get(k);
      if (!c || !c.handlers.delete(handler) || c.handlers.size) return;
      this.channels.delete(k);
      c.bars?.close();
      void c.handle?.close();
      if (this.channels.size === 0) this.stopWatchdog();
      this.d.changed();
    };
  }

  health(now = Date.now()): VenueHealth {
    const g = this.d.gate.counters;
    const symbols = new Map<string, SymbolHealth>();
    for (const ch of this.channels.values()) {
      const st = this.channelState(ch);
      const err = ch.delisted ?? (ch.status.state === 'live' ? ch.resyncError?.message ?? null : ch.status.error ?? ch.resyncError?.message ?? null);
      const prev = symbols.get(ch.symbol);
      if (!prev) symbols.set(ch.symbol, { symbol: ch.symbol, kinds: [ch.kind], state: st, mode: ch.status.mode ?? 'websocket', error: err });
      else symbols.set(ch.symbol, { ...prev, kinds: [...prev.kinds, ch.kind], state: worse(prev.state, st), mode: prev.mode === 'poll' || ch.status.mode === 'poll' ? 'poll' : 'websocket', error: prev.error ?? err });
    }
    const list = [...symbols.values()];
    const open = list.filter((s) => s.state !== 'failed');
    let state: StreamState = list.length === 0 ? 'idle' : open.length === 0 ? 'failed' : open.reduce<StreamState>((w, s) => worse(w, s.state), 'live');
    if (this.stalled && list.length) state = 'stalled';
    const lag = g.lastEventTime !== null && this.skew !== null ? g.lastEventAt - (g.lastEventTime - this.skew) : null;
    let error = list.find((s) => s.state === state)?.error ?? list.find((s) => s.error)?.error ?? null;
    if (this.stalled) error = `no message for ${Math.round((now - g.lastMessageAt) / 1000)} s: reconnecting`;
    if (!error && this.skew !== null && Math.abs(this.skew) > CLOCK_SKEW_WARN_MS) error = `clock skew: ${this.d.id}'s clock is ${(Math.abs(this.skew) / 1000).toFixed(1)} s ${this.skew > 0 ? 'ahead of' : 'behind'} this machine's`;
    return {
      venue: this.d.id,
      state,
      connected: state === 'live' || (list.some((s) => s.state === 'live') && !this.stalled),
      lastMessageAgeMs: g.lastMessageAt ? Math.max(0, now - g.lastMessageAt) : null,
      lagMs: lag,
      clockSkewMs: this.skew,
      reconnects: this.reconnects,
      stalls: this.stalls,
      resyncs: this.resyncs,
      messages: g.messages,
      dropped: { malformed: g.malformed, duplicate: g.duplicate, outOfOrder: g.outOfOrder },
      barsStored: this.barsStored,
      subscriptions: [...this.channels.values()].reduce((n, c) => n + c.handlers.size, 0),
      symbols: list,
      error,
    };
  }

  /** Stops every channel (host shutdown). */
  async close(): Promise<void> {
    this.stopWatchdog();
    this.d.gate.listeners.delete(this.listener);
    const all = [...this.channels.values()];
    this.channels.clear();
    for (const c of all) c.bars?.close();
    await Promise.all(all.map((c) => c.handle?.close()));
  }

  /** Waits until no resync runs (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.channels.values()].map((c) => c.bars?.idle()));
  }

  private channelState(ch: Channel): StreamState {
    const s = ch.status;
    if (ch.delisted) return 'failed';
    // A quiet market (no trade yet) on a connection that delivers is connected, not connecting.
    if (s.state === 'connecting' && !this.stalled && this.d.gate.counters.lastMessageAt > ch.openedAt) return 'live';
    if (s.state === 'live') return ch.resyncError?.details?.rateLimited ? 'rate-limited' : 'live';
    if (s.state === 'failed') return 'failed';
    if (s.state === 'reconnecting') {
      if (s.rateLimited) return 'rate-limited';
      if (s.network && !ch.everLive) return 'unreachable';
      return 'reconnecting';
    }
    return s.state === 'stopped' ? 'idle' : 'connecting';
  }

  private open(ch: Channel): void {
    const { venue, tuning } = this.d;
    const fan = (u: StreamUpdate) => {
      ch.lastDataAt = Date.now();
      for (const h of ch.handlers) {
        try {
          h(u);
        } catch (e) {
          this.d.log.warn({ err: (e as Error).message, venue: this.d.id, symbol: ch.symbol }, 'stream subscriber threw; it keeps its subscription');
        }
      }
    };
    const base = { venue: this.d.id, symbol: ch.symbol };
    if (ch.kind === 'ohlcv') {
      ch.bars = new LiveBars({
        key: { source: this.d.id, symbol: ch.symbol, timeframe: '1m' },
        candles: this.d.candles,
        ...(this.d.writer ? { writer: this.d.writer } : {}),
        fetch: (since, limit) => venue.fetchCandles(ch.symbol, '1m', since, limit),
        emit: (bars) => fan({ ...base, kind: 'ohlcv', timeframe: '1m', bars }),
        onStored: (n) => {
          this.barsStored += n;
        },
        onResync: () => {
          this.resyncs++;
        },
        onError: (err) => {
          if (err) this.d.log.warn({ venue: this.d.id, symbol: ch.symbol, err: err.message }, 'live bar resync failed');
          if ((ch.resyncError === null) !== (err === null)) {
            ch.resyncError = err;
            this.d.changed();
          }
        },
        maxBars: tuning.resyncMaxBars,
        retry: tuning.backoff,
      });
    }
    const onStatus = (s: StreamStatus) => {
      const prev = ch.status;
      ch.status = s;
      if (s.state === 'reconnecting' && prev.state === 'live') this.reconnects++;
      if (s.state === 'live' && prev.state !== 'live') {
        ch.everLive = true;
        void this.afterConnect(ch, fan);
      }
      if (s.state === 'failed') this.d.log.warn({ venue: this.d.id, symbol: ch.symbol, kind: ch.kind, err: s.error }, 'stream failed');
      this.d.changed();
    };
    ch.handle = openStream(venue, KIND[ch.kind], ch.symbol, {
      onCandle: (c) => ch.bars?.update(c),
      onTrade: (t) => fan({ ...base, kind: 'trades', trades: [{ id: t.id ?? null, ts: t.ts, price: t.price, qty: t.qty, side: t.aggressor ?? null }] }),
      // openStream's levels are a fresh copy per update (topLevels, main/venues/ccxt/streams.ts): handed on as they are.
      onBook: (b) => fan({ ...base, kind: 'book', ts: b.ts, bids: b.bids as [number, number][], asks: b.asks as [number, number][], seq: b.seq ?? null }),
      onTicker: (t) => fan({
        ...base, kind: 'ticker', ts: t.ts, last: t.last, bid: nn(t.bid), ask: nn(t.ask), high: nn(t.high), low: nn(t.low), open: nn(t.open),
        changePct: nn(t.changePct), baseVolume: nn(t.baseVolume), quoteVolume: nn(t.quoteVolume),
      }),
      onStatus,
    }, { timeframe: '1m', depth: tuning.bookDepth, backoff: tuning.backoff, ...(tuning.pollMs !== undefined ? { pollMs: tuning.pollMs } : {}), ...(tuning.poll ? { poll: true } : {}) });
    this.startWatchdog();
  }

  /** After a (re)connect: missed bars from REST, a fresh book snapshot, the venue clock once. */
  private async afterConnect(ch: Channel, fan: StreamHandler): Promise<void> {
    this.d.gate.resetOrdering();
    this.rememberMarketId(ch.symbol);
    void this.measureSkew();
    if (ch.kind === 'ohlcv') ch.bars?.resync();
    if (ch.kind === 'book' && ch.status.mode !== 'poll') {
      try {
        this.resyncs++;
        const b = await this.d.venue.fetchOrderBook(ch.symbol, this.d.tuning.bookDepth);
        if (this.channels.get(key(ch.symbol, ch.kind)) === ch) fan({ venue: this.d.id, symbol: ch.symbol, kind: 'book', ts: b.ts, bids: b.bids.map(([p, q]) => [p, q]), asks: b.asks.map(([p, q]) => [p, q]), seq: b.seq ?? null });
      } catch (e) {
        this.d.log.warn({ venue: this.d.id, symbol: ch.symbol, err: (e as Error).message }, 'book snapshot after reconnect failed; the stream continues');
      }
    }
  }

  /**
   * A market silent for several heartbeats while the connection delivers may have been delisted: reload the
   * venue's markets (at most once a minute) and end its channels with the reason if it no longer trades.
   */
  private checkListings(open: Channel[], now: number): void {
    const quietFor = 3 * this.d.tuning.heartbeatMs;
    const connectionAlive = now - this.d.gate.counters.lastMessageAt < this.d.tuning.heartbeatMs;
    const silent = open.filter((c) => c.kind !== 'trades' && now - Math.max(c.lastDataAt, c.openedAt) > quietFor);
    if (!connectionAlive || silent.length === 0 || this.listingCheck || now - this.listingCheckedAt < Math.min(LISTING_CHECK_MS, quietFor * 4)) return;
    this.listingCheckedAt = now;
    this.listingCheck = (async () => {
      try {
        const markets = await this.d.venue.loadInstruments(true);
        for (const c of silent) {
          const gone = !markets.has(c.symbol) ? 'no longer listed' : this.d.venue.marketActive(c.symbol) === false ? 'delisted or halted' : undefined;
          if (!gone || this.channels.get(key(c.symbol, c.kind)) !== c) continue;
          c.delisted = `${c.symbol} on ${this.d.id} is ${gone}: its stream stopped`;
          c.bars?.close();
          void c.handle?.close();
          this.d.log.warn({ venue: this.d.id, symbol: c.symbol, kind: c.kind }, c.delisted);
          this.d.changed();
        }
      } catch {
        // markets unavailable now: the next check asks again
      } finally {
        this.listingCheck = undefined;
      }
    })();
  }

  private rememberMarketId(symbol: string): void {
    const ex = this.d.venue.ex as unknown as { markets?: Record<string, { id?: string } | undefined> };
    const id = ex.markets?.[symbol]?.id;
    if (id) this.marketIds.set(id, symbol);
  }

  private async measureSkew(): Promise<void> {
    if (this.skewing || this.skew !== null) return;
    this.skewing = true;
    try {
      const t0 = Date.now();
      const server = await this.d.venue.serverTime();
      const t1 = Date.now();
      if (server !== undefined) {
        this.skew = server - (t0 + t1) / 2;
        this.d.changed();
      }
    } catch {
      // no clock: lag stays unknown
    } finally {
      this.skewing = false;
    }
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    const every = Math.max(20, Math.floor(this.d.tuning.heartbeatMs / 4));
    this.kickedAt = Date.now();
    this.patience = this.d.tuning.heartbeatMs;
    this.watchdog = setInterval(() => this.checkHeartbeat(), every);
    this.watchdog.unref?.();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private checkHeartbeat(): void {
    const open = [...this.channels.values()].filter((c) => c.status.state !== 'failed' && !c.delisted && c.status.mode !== 'poll');
    if (open.length === 0) return;
    const now = Date.now();
    this.checkListings(open, now);
    const since = Math.max(this.d.gate.counters.lastMessageAt, this.kickedAt);
    if (now - since < this.patience) return;
    if (!this.stalled) this.stalls++;
    this.stalled = true;
    this.kickedAt = now;
    this.patience = Math.min(this.patience * 2, Math.max(this.d.tuning.heartbeatMs, 60_000));
    const dropped = this.d.venue.dropStreams(`${this.d.id}: no message for ${this.d.tuning.heartbeatMs} ms (stalled stream)`);
    this.d.log.warn({ venue: this.d.id, sockets: dropped }, 'stream stalled: reconnecting');
    this.d.changed();
  }
}

/** How often the markets are reloaded to see whether a silent market was delisted. */
const LISTING_CHECK_MS = 60_000;

const RANK: StreamState[] = ['live', 'idle', 'connecting', 'reconnecting', 'rate-limited', 'unreachable', 'stalled', 'failed'];

function worse(a: StreamState, b: StreamState): StreamState {
  return RANK.indexOf(a) >= RANK.indexOf(b) ? a : b;
}

function key(symbol: string, kind: StreamKind): string {
  return `${symbol}|${kind}`;
}
