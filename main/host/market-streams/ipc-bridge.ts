/**
 * Live streams to IPC clients. Each client subscription is owned by the connection that made it and ends
 * when that connection closes. The bridge holds one MarketStreams subscription per (venue, symbol, kind)
 * however many clients ask (events are broadcast anyway), and coalesces its updates over `flushMs` before
 * emitting `streams.update`: the latest book and ticker, every trade (the newest `maxTrades`), each bar's
 * latest state. Health is pushed on every change and every `healthMs` while anything streams.
 */
import { randomUUID } from 'node:crypto';
import type { EventName, EventOf } from '../../contract/index.ts';
import type { Bar, StreamKind, StreamUpdate } from '../../contract/streams.ts';
import { NotFoundError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import type { MarketStreams, Subscription } from './manager.ts';

type Emit = <K extends EventName>(ch: K, p: EventOf<K>) => void;

interface Shared {
  refs: number;
  sub: Promise<Subscription>;
}

interface ClientSub {
  readonly origin: string;
  readonly venue: string;
  readonly symbol: string;
  readonly kinds: StreamKind[];
}

export class StreamsBridge {
  private readonly shared = new Map<string, Shared>();
  private readonly clients = new Map<string, ClientSub>();
  private readonly pending = new Map<string, StreamUpdate>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly healthTimer: NodeJS.Timeout;
  private readonly offHealth: () => void;
  private readonly streams: MarketStreams;
  private readonly emit: Emit;
  private readonly log: Logger;
  private readonly flushMs: number;
  private readonly maxTrades: number;

  constructor(o: { streams: MarketStreams; emit: Emit; log: Logger; flushMs?: number; healthMs?: number; maxTrades?: number }) {
    this.streams = o.streams;
    this.emit = o.emit;
    this.log = o.log;
    this.flushMs = o.flushMs ?? 50;
    this.maxTrades = o.maxTrades ?? 500;
    this.offHealth = this.streams.onHealth((h) => this.emit('streams.health', h));
    this.healthTimer = setInterval(() => {
      if (this.clients.size === 0) return;
      void this.streams.health().then((list) => list.forEach((h) => h.subscriptions > 0 && this.emit('streams.health', h)));
    }, o.healthMs ?? 1_000);
    this.healthTimer.unref?.();
  }

  async subscribe(origin: string, venue: string, symbol: string, kinds: StreamKind[]): Promise<{ subscriptionId: string; venue: string; symbol: string; kinds: StreamKind[] }> {
    const unique = [...new Set(kinds)];
    const taken: string[] = [];
    try {
      for (const kind of unique) {
        const k = `${venue}|${symbol}|${kind}`;
        let s = this.shared.get(k);
        if (!s) {
          s = { refs: 0, sub: this.streams.subscribe(venue, symbol, [kind], (u) => this.queue(u)) };
          this.shared.set(k, s);
          const mine = s;
          s.sub.catch(() => this.shared.get(k) === mine && this.shared.delete(k));
        }
        s.refs++;
        taken.push(k);
        await s.sub;
      }
    } catch (e) {
      taken.forEach((k) => this.release(k));
      throw e;
    }
    const subscriptionId = randomUUID();
    this.clients.set(subscriptionId, { origin, venue, symbol, kinds: unique });
    return { subscriptionId, venue, symbol, kinds: unique };
  }

  unsubscribe(origin: string, id: string): boolean {
    const c = this.clients.get(id);
    if (!c) return false;
    if (c.origin !== origin) throw new NotFoundError('subscription of this connection', id);
    this.clients.delete(id);
    for (const kind of c.kinds) this.release(`${c.venue}|${c.symbol}|${kind}`);
    return true;
  }

  /** A connection closed: its subscriptions end. */
  disconnected(origin: string): void {
    for (const [id, c] of this.clients) if (c.origin === origin) this.unsubscribe(origin, id);
  }

  close(): void {
    clearInterval(this.healthTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.offHealth();
    for (const s of this.shared.values()) void s.sub.then((x) => x.close(), () => {});
    this.shared.clear();
    this.clients.clear();
    this.pending.clear();
  }

  private release(k: string): void {
    const s = this.shared.get(k);
    if (!s || --s.refs > 0) return;
    this.shared.delete(k);
    void s.sub.then((x) => x.close(), () => {});
  }

  /**
   * The pending update of a key is the bridge's own copy (the update itself is shared with every other
   * subscriber), grown in place: trades appended, bars replaced or inserted by ts.
   */
  private queue(u: StreamUpdate): void {
    const k = `${u.venue}|${u.symbol}|${u.kind}`;
    const prev = this.pending.get(k);
    if (prev && prev.kind === 'trades' && u.kind === 'trades') {
      for (const t of u.trades) prev.trades.push(t);
      if (prev.trades.length > 2 * this.maxTrades) prev.trades.splice(0, prev.trades.length - this.maxTrades);
    } else if (prev && prev.kind === 'ohlcv' && u.kind === 'ohlcv') {
      for (const b of u.bars) mergeBar(prev.bars, b);
    } else if (u.kind === 'trades') this.pending.set(k, { ...u, trades: u.trades.slice(-2 * this.maxTrades) });
    else if (u.kind === 'ohlcv') {
      const bars: typeof u.bars = [];
      for (const b of u.bars) mergeBar(bars, b);
      this.pending.set(k, { ...u, bars });
    } else this.pending.set(k, u);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.flushMs);
      this.flushTimer.unref?.();
    }
  }

  private flush(): void {
    this.flushTimer = undefined;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const u of all) {
      if (u.kind === 'trades' && u.trades.length > this.maxTrades) u.trades.splice(0, u.trades.length - this.maxTrades);
      try {
        this.emit('streams.update', u);
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'streams.update emit failed');
      }
    }
  }
}

/** Puts `b` into `bars` (ascending ts): a new ts is inserted in order, a known one replaced unless that one is closed (final). */
function mergeBar(bars: (Bar & { closed: boolean })[], b: Bar & { closed: boolean }): void {
  let i = bars.length - 1;
  while (i >= 0 && bars[i]!.ts > b.ts) i--;
  if (i >= 0 && bars[i]!.ts === b.ts) {
    if (!bars[i]!.closed) bars[i] = b;
  } else bars.splice(i + 1, 0, b);
}
