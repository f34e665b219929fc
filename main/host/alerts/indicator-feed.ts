/**
 * Closed bars for indicator alerts: one `ohlcv` subscription per (venue, symbol) on the host's market
 * streams, whatever the number of alerts on it; each closed 1m bar is aggregated into each alert's
 * timeframe and tested (main/core/alerts/indicator.ts). On the first closed bar after an alert starts
 * watching, its indicators are warmed up from the stored closed bars (market.db, which the stream's
 * resync has filled) so `rsi(14)` on 1h does not wait fourteen hours.
 */
import { BarAggregator, IndicatorWatch, parseIndicatorAlert, type ClosedBar } from '../../core/alerts/indicator.ts';
import type { Hit } from '../../core/alerts/conditions.ts';
import type { AlertView } from '../../contract/alerts.ts';
import type { StreamUpdate } from '../../contract/streams.ts';
import type { Logger } from '../log.ts';

/** Bars of history that warm an alert's indicators up. */
const WARMUP_BARS = 500;
const MINUTE = 60_000;

export interface IndicatorFeedDeps {
  /** A (venue, symbol) 1m bar subscription (MarketStreams.subscribe with ['ohlcv']). */
  subscribe(venue: string, symbol: string, handler: (u: StreamUpdate) => void): Promise<{ close(): void }>;
  /** Stored closed bars of (venue, symbol, timeframe) from `fromTs` to `toTs` inclusive. */
  history(venue: string, symbol: string, timeframe: string, fromTs: number, toTs: number): ClosedBar[];
  /** The venue of an account (settings); undefined for an unknown account. */
  venueOf(account: string): string | undefined;
  onHit(alertId: string, hit: Hit): void;
  readonly log: Logger;
}

interface Watching {
  readonly sig: string;
  readonly key: string;
  readonly watch: IndicatorWatch;
  readonly agg: BarAggregator;
  seeded: boolean;
}

interface Sub {
  readonly venue: string;
  readonly symbol: string;
  sub: { close(): void } | undefined;
  closed: boolean;
  /** Start of the newest forming 1m bar seen. */
  forming?: number;
}

export class IndicatorFeed {
  private readonly d: IndicatorFeedDeps;
  private readonly watching = new Map<string, Watching>();
  private readonly subs = new Map<string, Sub>();
  private closed = false;

  constructor(d: IndicatorFeedDeps) {
    this.d = d;
  }

  /** The alerts as they are now: armed indicator alerts are watched, the rest are let go. */
  sync(alerts: readonly AlertView[]): void {
    if (this.closed) return;
    const want = new Set<string>();
    for (const a of alerts) {
      const c = a.condition;
      if (c.kind !== 'indicator' || !a.armed) continue;
      const venue = this.d.venueOf(a.account);
      if (!venue) continue;
      const sig = JSON.stringify([venue, c]);
      want.add(a.id);
      if (this.watching.get(a.id)?.sig === sig) continue;
      try {
        const spec = parseIndicatorAlert(c);
        const key = `${venue}\u0000${c.symbol}`;
        this.watching.set(a.id, { sig, key, watch: new IndicatorWatch(spec), agg: new BarAggregator(spec.intervalMs), seeded: false });
        this.ensure(key, venue, c.symbol);
      } catch (e) {
        // Stored by an earlier release with other rules: it cannot be watched, and says so once.
        this.d.log.warn({ alert: a.id, err: (e as Error).message }, 'an indicator alert cannot be evaluated; it is not watched');
      }
    }
    for (const id of [...this.watching.keys()]) if (!want.has(id)) this.watching.delete(id);
    const used = new Set([...this.watching.values()].map((w) => w.key));
    for (const [key, s] of this.subs) {
      if (used.has(key)) continue;
      s.closed = true;
      s.sub?.close();
      this.subs.delete(key);
    }
  }

  /** (venue, symbol) pairs with a live subscription (tests, health). */
  streams(): string[] {
    return [...this.subs.values()].filter((s) => s.sub).map((s) => `${s.venue} ${s.symbol}`);
  }

  close(): void {
    this.closed = true;
    for (const s of this.subs.values()) {
      s.closed = true;
      s.sub?.close();
    }
    this.subs.clear();
    this.watching.clear();
  }

  private ensure(key: string, venue: string, symbol: string): void {
    if (this.subs.has(key)) return;
    const s: Sub = { venue, symbol, sub: undefined, closed: false };
    this.subs.set(key, s);
    this.d.subscribe(venue, symbol, (u) => this.update(key, u)).then(
      (sub) => {
        if (s.closed) sub.close();
        else s.sub = sub;
      },
      (e: unknown) => {
        this.d.log.warn({ venue, symbol, err: (e as Error).message }, 'indicator alerts cannot watch this market');
        if (this.subs.get(key) === s) this.subs.delete(key);
      },
    );
  }

  /**
   * Closed bars are tested only when live: the one just before the forming bar (or later). Older ones — a
   * resync's week of history after connecting, the minutes an outage missed — warm the indicators up but
   * fire nothing: an alert is about the market now, not about a bar of last Tuesday.
   */
  private update(key: string, u: StreamUpdate): void {
    if (u.kind !== 'ohlcv') return;
    const s = this.subs.get(key);
    if (!s) return;
    for (const b of u.bars) if (!b.closed && b.ts > (s.forming ?? -Infinity)) s.forming = b.ts;
    const closed = u.bars.filter((b) => b.closed);
    for (const b of closed) {
      const live = s.forming !== undefined ? b.ts >= s.forming - MINUTE : closed.length === 1;
      for (const [id, w] of this.watching) {
        if (w.key !== key) continue;
        if (live && !w.seeded) this.seed(w, u.venue, b.ts);
        for (const tf of w.agg.minute(b)) {
          if (!live) {
            w.watch.seed([tf]);
            continue;
          }
          const hit = w.watch.bar(tf);
          if (hit) this.d.onHit(id, hit);
        }
      }
    }
  }

  /** Stored history up to this minute: whole bars warm the indicators, the current bucket's minutes the aggregator. */
  private seed(w: Watching, venue: string, minuteTs: number): void {
    w.seeded = true;
    const tf = w.watch.spec.intervalMs;
    const bucket = minuteTs - (minuteTs % tf);
    const { symbol, timeframe } = w.watch.spec;
    try {
      w.watch.seed(this.d.history(venue, symbol, timeframe, bucket - WARMUP_BARS * tf, bucket - tf));
      // The minutes of the current bucket before this one, so its bar is whole.
      if (minuteTs > bucket) for (const m of this.d.history(venue, symbol, '1m', bucket, minuteTs - MINUTE)) w.agg.minute(m);
    } catch (e) {
      this.d.log.warn({ venue, symbol, err: (e as Error).message }, 'no stored history for an indicator alert: it warms up on live bars');
    }
  }
}

/** Stored columns as closed bars. */
export function ohlcvBars(c: { ts: ArrayLike<number>; open: ArrayLike<number>; high: ArrayLike<number>; low: ArrayLike<number>; close: ArrayLike<number>; volume: ArrayLike<number> }): ClosedBar[] {
  const out: ClosedBar[] = [];
  for (let i = 0; i < c.ts.length; i++) out.push({ ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! });
  return out;
}
