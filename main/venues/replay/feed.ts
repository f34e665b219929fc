/**
 * Replay: stored candles streamed like a live feed. Time is virtual: at speed s, one wall-clock ms advances
 * the feed s ms of market time; pause freezes it, seek jumps (forward or back) without emitting the skipped
 * bars. Timers come from the caller (`schedule`) so tests and workers can drive it deterministically.
 * It emits a candle when the bar has CLOSED (ts + interval ≤ virtual now), like a live kline stream.
 */
import type { Candle } from '../../core/model/index.ts';
import type { OhlcvArrays } from '../../core/model/market.ts';

export type ReplayColumns = OhlcvArrays;

export interface ReplayOptions {
  readonly symbol: string;
  readonly intervalMs: number;
  /** Market ms per wall ms (1 = real time, 60 = a minute bar per second). */
  readonly speed?: number;
  readonly tickMs?: number;
  readonly now?: () => number;
  readonly schedule?: (fn: () => void, ms: number) => { cancel(): void };
}

export type ReplayState = 'paused' | 'playing' | 'ended';

export class ReplayFeed {
  private readonly c: ReplayColumns;
  private readonly o: ReplayOptions;
  private readonly listeners = new Set<(symbol: string, candle: Candle) => void>();
  private cursor = 0;
  private virtual: number;
  private speed: number;
  private state: ReplayState = 'paused';
  private wallAt = 0;
  private timer: { cancel(): void } | undefined;
  private readonly now: () => number;
  private readonly schedule: (fn: () => void, ms: number) => { cancel(): void };

  constructor(columns: ReplayColumns, opts: ReplayOptions) {
    this.c = columns;
    this.o = opts;
    this.speed = opts.speed ?? 60;
    this.virtual = columns.ts.length ? columns.ts[0]! : 0;
    this.now = opts.now ?? (() => performance.now());
    this.schedule = opts.schedule ?? ((fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    });
  }

  onCandle(fn: (symbol: string, candle: Candle) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  play(): void {
    if (this.state === 'playing' || this.cursor >= this.c.ts.length) return;
    this.state = 'playing';
    this.wallAt = this.now();
    this.loop();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    this.advance();
    this.state = 'paused';
    this.timer?.cancel();
    this.timer = undefined;
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('speed must be a positive number');
    if (this.state === 'playing') this.advance();
    this.speed = speed;
  }

  /** Jumps to market time `ts`: the next candle emitted is the first closing after it. */
  seek(ts: number): void {
    if (this.state === 'playing') this.wallAt = this.now();
    this.virtual = ts;
    let lo = 0;
    let hi = this.c.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.c.ts[mid]! + this.o.intervalMs <= ts) lo = mid + 1;
      else hi = mid;
    }
    this.cursor = lo;
    if (this.state === 'ended' && lo < this.c.ts.length) this.state = 'paused';
  }

  /** Emits every bar closed by now (virtual time); called by the loop and by tests. */
  advance(): number {
    if (this.state === 'playing') {
      const w = this.now();
      this.virtual += (w - this.wallAt) * this.speed;
      this.wallAt = w;
    }
    let emitted = 0;
    while (this.cursor < this.c.ts.length && this.c.ts[this.cursor]! + this.o.intervalMs <= this.virtual) {
      const i = this.cursor++;
      const candle: Candle = { ts: this.c.ts[i]!, open: this.c.open[i]!, high: this.c.high[i]!, low: this.c.low[i]!, close: this.c.close[i]!, volume: this.c.volume[i]! };
      for (const l of this.listeners) l(this.o.symbol, candle);
      emitted++;
    }
    if (this.cursor >= this.c.ts.length && this.state === 'playing') {
      this.state = 'ended';
      this.timer?.cancel();
    }
    return emitted;
  }

  status(): { state: ReplayState; time: number; index: number; length: number; speed: number } {
    return { state: this.state, time: this.virtual, index: this.cursor, length: this.c.ts.length, speed: this.speed };
  }

  close(): void {
    this.timer?.cancel();
    this.listeners.clear();
    this.state = 'ended';
  }

  private loop(): void {
    if (this.state !== 'playing') return;
    this.advance();
    if (this.state === 'playing') this.timer = this.schedule(() => this.loop(), this.o.tickMs ?? 16);
  }
}
