/**
 * Keeps a LiveVenue in step with the exchange: the private streams (order updates, own trades) when the
 * venue has them, REST polling when it has not or while a stream is down, and a full REST resync after every
 * reconnect (whatever happened while the socket was gone is read back, not assumed). A resync is idempotent:
 * orders are applied by client id, trades deduplicated by trade id, so the stream and REST may race freely.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderApi, VenueOrderReport, VenueTradeReport } from '../ccxt/index.ts';
import type { LiveVenue } from './live-venue.ts';

export type SyncStatus = 'idle' | 'streaming' | 'polling';

export interface PrivateSyncOptions {
  readonly venue: LiveVenue;
  readonly api: OrderApi;
  /** Symbols whose trades a resync reads (the session's instruments). */
  readonly symbols: readonly string[];
  /** Poll period while no stream runs (and the backstop period while one does). */
  readonly pollMs?: number;
  readonly backstopMs?: number;
  readonly deliver: (fn: () => void) => void;
  readonly onStatus?: (s: SyncStatus, why: string) => void;
  readonly log?: { warn(o: object, msg: string): void };
}

export class PrivateSync {
  private readonly o: PrivateSyncOptions;
  private stopped = true;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resyncing: Promise<void> | undefined;
  status: SyncStatus = 'idle';
  /** Completed REST resyncs (tests and the health view read it). */
  resyncs = 0;

  constructor(o: PrivateSyncOptions) {
    this.o = o;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { watchOrders, watchMyTrades } = this.o.api;
    if (watchOrders) void this.loop('orders', watchOrders.bind(this.o.api), (list) => list.forEach((r) => this.o.venue.applyOrder(r as VenueOrderReport)));
    if (watchMyTrades) void this.loop('trades', watchMyTrades.bind(this.o.api), (list) => list.forEach((t) => this.o.venue.applyTrade(t as VenueTradeReport)));
    this.setStatus(watchOrders ? 'streaming' : 'polling', watchOrders ? 'private stream' : 'the venue has no private stream');
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Reads open orders, every working order's state and recent own trades over REST, and applies them. */
  resync(): Promise<void> {
    this.resyncing ??= this.doResync().finally(() => {
      this.resyncing = undefined;
    });
    return this.resyncing;
  }

  private async doResync(): Promise<void> {
    const { venue, api } = this.o;
    // Per symbol: cheaper than one call for all (Binance weighs that 40×), and the session's symbols are what it trades.
    const open = (await Promise.all(this.o.symbols.map((s) => api.fetchOpenOrders(s)))).flat();
    const openIds = new Set(open.map((r) => r.clientOrderId));
    this.o.deliver(() => open.forEach((r) => venue.applyOrder(r)));
    // Working here but no longer open there: ended while we were not listening (filled, canceled, expired).
    for (const w of venue.workingOrders()) if (!openIds.has(w.wireId)) await venue.refresh(w.clientOrderId);
    const since = venue.lastTradeTs > 0 ? venue.lastTradeTs - 60_000 : undefined;
    for (const s of this.o.symbols) {
      const trades = await api.fetchMyTrades(s, since);
      this.o.deliver(() => trades.forEach((t) => venue.applyTrade(t)));
    }
    this.resyncs++;
  }

  private async loop<T>(what: string, watch: () => Promise<T[]>, apply: (list: T[]) => void): Promise<void> {
    let failures = 0;
    let needResync = false;
    while (!this.stopped) {
      try {
        const list = await watch();
        if (this.stopped) return;
        if (failures > 0) {
          failures = 0;
          this.setStatus('streaming', `${what} stream reconnected`);
        }
        this.o.deliver(() => apply(list));
        // After a reconnect, read back what the gap held (again, now that the socket is subscribed).
        if (needResync) {
          needResync = false;
          await this.safeResync(`${what} stream reconnected`);
        }
      } catch (e) {
        if (this.stopped) return;
        failures++;
        needResync = true;
        this.setStatus('polling', `${what} stream down: ${e instanceof Error ? e.message.slice(0, 120) : String(e)}`);
        await this.safeResync(`${what} stream down`);
        await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  private async safeResync(why: string): Promise<void> {
    try {
      await this.resync();
    } catch (e) {
      this.o.log?.warn({ err: e instanceof Error ? e.message : String(e), why }, 'REST resync failed; retrying at the next poll');
    }
  }

  /** Polls at pollMs while no stream runs, and at the slower backstop period while streams do. */
  private schedule(): void {
    if (this.stopped) return;
    const ms = this.status === 'streaming' ? (this.o.backstopMs ?? 30_000) : (this.o.pollMs ?? 2_000);
    this.timer = setTimeout(() => {
      void this.safeResync('poll').finally(() => this.schedule());
    }, ms);
    this.timer.unref?.();
  }

  private setStatus(s: SyncStatus, why: string): void {
    if (this.status === s) return;
    this.status = s;
    this.o.onStatus?.(s, why);
  }
}
