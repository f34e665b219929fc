import { describe, expect, it } from 'vitest';
import type { Candle, Trade } from '../../../main/core/model/index.ts';
import type { MarketDataHandler } from '../../../main/core/ports.ts';
import { DemoFeed, type FeedSymbol } from '../../../main/host/trading/demo-feed.ts';

const SYMBOLS: FeedSymbol[] = [
  { symbol: 'BTC/USDT', anchor: 42_000, tickSize: 0.01, lotSize: 0.00001, rho: 0.95, volScale: 1, volumePerMinute: 25 },
  { symbol: 'SOL/USDT', anchor: 100, tickSize: 0.001, lotSize: 0.01, rho: 0.7, volScale: 1.8, volumePerMinute: 4000 },
];
const START = Date.UTC(2026, 0, 5, 12, 0, 0);

function record(feed: DemoFeed, symbols = ['BTC/USDT', 'SOL/USDT']) {
  const trades: Trade[] = [];
  const candles: { symbol: string; c: Candle }[] = [];
  const h: MarketDataHandler = { onTrade: (t) => trades.push(t), onCandle: (symbol, c) => candles.push({ symbol, c }), onQuote() {}, onBook() {} };
  feed.subscribe(symbols, h);
  return { trades, candles };
}

const onGrid = (x: number, step: number) => Math.abs(x / step - Math.round(x / step)) < 1e-6;

describe('demo feed', () => {
  it('is deterministic for a seed and start time, whatever the timer granularity', () => {
    const a = new DemoFeed({ symbols: SYMBOLS, seed: 7, startTs: START, tickMs: 250 });
    const b = new DemoFeed({ symbols: SYMBOLS, seed: 7, startTs: START, tickMs: 250 });
    const ra = record(a);
    const rb = record(b);
    a.pump(START + 120_000); // one late timer: catches up with scheduled timestamps
    for (let t = START; t <= START + 120_000; t += 137) b.pump(t); // many irregular timers
    b.pump(START + 120_000);
    expect(ra.trades.length).toBe(2 * 481);
    expect(rb.trades).toEqual(ra.trades);
    expect(rb.candles).toEqual(ra.candles);
    const c = new DemoFeed({ symbols: SYMBOLS, seed: 8, startTs: START, tickMs: 250 });
    const rc = record(c);
    c.pump(START + 120_000);
    expect(rc.trades.map((t) => t.price)).not.toEqual(ra.trades.map((t) => t.price));
  });

  it('prints on the tick and lot grid at scheduled times, starting from the anchor', () => {
    const f = new DemoFeed({ symbols: SYMBOLS, seed: 1, startTs: START, tickMs: 100 });
    const r = record(f);
    f.pump(START + 30_000);
    const btc = r.trades.filter((t) => t.symbol === 'BTC/USDT');
    expect(btc.map((t) => t.ts)).toEqual(Array.from({ length: 301 }, (_, k) => START + k * 100));
    for (const t of r.trades) {
      const s = SYMBOLS.find((x) => x.symbol === t.symbol)!;
      expect(onGrid(t.price, s.tickSize), `${t.price}`).toBe(true);
      expect(onGrid(t.qty, s.lotSize) && t.qty > 0).toBe(true);
    }
    expect(Math.abs(btc[0]!.price / 42_000 - 1)).toBeLessThan(0.002);
    expect(new Set(r.trades.map((t) => t.id)).size).toBe(r.trades.length);
  });

  it('crosses any price within the swing band inside one cycle (what makes near-market limits fill)', () => {
    const f = new DemoFeed({ symbols: SYMBOLS, seed: 3, startTs: START, tickMs: 50, cycleMs: 4000, swingBps: 10 });
    const r = record(f, ['BTC/USDT']);
    f.pump(START + 100);
    const ref = r.trades.at(-1)!.price;
    f.pump(START + 4100);
    const window = r.trades.slice(3).map((t) => t.price);
    expect(Math.min(...window)).toBeLessThan(ref * (1 - 0.0005));
    expect(Math.max(...window)).toBeGreaterThan(ref * (1 + 0.0005));
  });

  it('sweeps: a limit up to sweepBps through any regular print fills by the next sweep, whatever the seed', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const f = new DemoFeed({ symbols: SYMBOLS, seed, startTs: START, tickMs: 250, sweepMs: 15_000, sweepBps: 5 });
      const r = record(f);
      f.pump(START + 20 * 60_000);
      for (const sym of ['BTC/USDT', 'SOL/USDT']) {
        const prints = r.trades.filter((t) => t.symbol === sym);
        for (let i = 2; i + 62 < prints.length; i += 5) {
          if (i % 60 < 2) continue; // the sweep prints themselves
          const buy = prints[i]!.price * (1 - 0.0004);
          const sell = prints[i]!.price * (1 + 0.0004);
          const next = prints.slice(i + 1, i + 62).map((p) => p.price);
          expect(Math.min(...next), `${sym} seed ${seed} tick ${i}`).toBeLessThanOrEqual(buy);
          expect(Math.max(...next), `${sym} seed ${seed} tick ${i}`).toBeGreaterThanOrEqual(sell);
        }
      }
    }
  });

  it('with the defaults, a limit 2 bps under the market rests first, usually fills in seconds, always within a minute', () => {
    const waits: number[] = [];
    let n = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const f = new DemoFeed({ symbols: [SYMBOLS[0]!], seed, startTs: START });
      const r = record(f, ['BTC/USDT']);
      f.pump(START + 30 * 60_000);
      const px = r.trades.map((t) => t.price);
      for (let i = 2; i + 300 < px.length; i += 3) {
        n++;
        const j = px.slice(i + 1, i + 300).findIndex((p) => p <= px[i]! * (1 - 0.0002));
        waits.push(j < 0 ? Infinity : (j + 1) * 0.25);
      }
    }
    waits.sort((a, b) => a - b);
    expect(waits.at(-1)!).toBeLessThanOrEqual(60.25); // the sweep guarantee
    expect(waits.filter((w) => w <= 0.5).length / n).toBeLessThan(0.03); // seen resting before it fills
    const median = waits[waits.length >> 1]!;
    expect(median).toBeGreaterThan(2);
    expect(median).toBeLessThan(15);
  });

  it('closes 1m candles from its prints: OHLCV consistent, one per minute, emitted when the minute ends', () => {
    const f = new DemoFeed({ symbols: SYMBOLS, seed: 5, startTs: START + 30_000, tickMs: 250 });
    const r = record(f);
    f.pump(START + 60_000 * 3 + 10);
    const btc = r.candles.filter((c) => c.symbol === 'BTC/USDT').map((c) => c.c);
    expect(btc.map((c) => c.ts)).toEqual([START, START + 60_000, START + 120_000]);
    for (const c of btc) {
      const prints = r.trades.filter((t) => t.symbol === 'BTC/USDT' && t.ts >= c.ts && t.ts < c.ts + 60_000);
      expect(c.open).toBe(prints[0]!.price);
      expect(c.close).toBe(prints.at(-1)!.price);
      expect(c.high).toBe(Math.max(...prints.map((p) => p.price)));
      expect(c.low).toBe(Math.min(...prints.map((p) => p.price)));
      expect(c.volume).toBeCloseTo(prints.reduce((s, p) => s + p.qty, 0), 8);
    }
    // The first minute started mid-way (the feed began at :30) and holds only the prints it saw.
    expect(r.trades.filter((t) => t.symbol === 'BTC/USDT' && t.ts < START + 60_000)).toHaveLength(120);
    // A candle is emitted before the first print of the next minute.
    const firstNext = r.trades.findIndex((t) => t.ts === START + 60_000);
    expect(firstNext).toBeGreaterThan(0);
    expect(f.forming('BTC/USDT')?.ts).toBe(START + 180_000);
  });

  it('stops: no timer keeps running', () => {
    const f = new DemoFeed({ symbols: SYMBOLS, seed: 1, startTs: Date.now(), tickMs: 5 });
    f.start();
    expect(f.running).toBe(true);
    f.stop();
    expect(f.running).toBe(false);
    expect(() => new DemoFeed({ symbols: SYMBOLS, seed: 1, startTs: 0, tickMs: 0 })).toThrow(RangeError);
  });
});
