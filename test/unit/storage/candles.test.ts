import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/core/errors.ts';
import { CHUNK_CANDLES, openMarket, timeframeMs, type CandleColumns, type CandleKey } from '../../../main/storage/index.ts';
import { tempDir } from './helpers.ts';

const KEY: CandleKey = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
const M = 60_000;

function cols(ts: number[], base = 100): CandleColumns {
  const f = (k: number) => Float64Array.from(ts, (t) => base + (t / M) * 0.5 + k);
  return { ts: Float64Array.from(ts), open: f(0), high: f(1), low: f(-1), close: f(0.25), volume: f(10) };
}

function open() {
  return openMarket(`${tempDir()}/market.db`);
}

describe('candle store', () => {
  it('round-trips columns across many chunks and returns Float64Array columns', () => {
    const m = open();
    const n = CHUNK_CANDLES * 3 + 17;
    const t0 = 1_700_000_000_000;
    const input = cols(Array.from({ length: n }, (_, i) => t0 + i * M));
    expect(m.candles.upsert(KEY, input).candles).toBe(n);
    const out = m.candles.range(KEY);
    expect(out.ts).toBeInstanceOf(Float64Array);
    expect(out.length).toBe(n);
    expect(out.intervalMs).toBe(M);
    for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(out[f]).toEqual(input[f]);
    expect(m.candles.datasets()).toEqual([{ ...KEY, firstTs: t0, lastTs: t0 + (n - 1) * M, count: n }]);
    expect(m.candles.lastTs(KEY)).toBe(t0 + (n - 1) * M);
    m.db.close();
  });

  it('is idempotent: the same or overlapping writes never duplicate a candle, newer values win', () => {
    const m = open();
    const t0 = 1_600_000_000_000;
    const a = cols(Array.from({ length: 10_000 }, (_, i) => t0 + i * M));
    m.candles.upsert(KEY, a);
    m.candles.upsert(KEY, a);
    const b = cols(Array.from({ length: 10_000 }, (_, i) => t0 + (i + 5000) * M), 500);
    m.candles.upsert(KEY, b);
    const out = m.candles.range(KEY);
    expect(out.ts.length).toBe(15_000);
    for (let i = 1; i < out.ts.length; i++) expect(out.ts[i]! - out.ts[i - 1]!).toBe(M);
    expect(out.close[4999]).toBe(a.close[4999]);
    expect(out.close[5000]).toBe(b.close[0]);
    expect(m.candles.dataset(KEY)?.count).toBe(15_000);
    m.db.close();
  });

  it('accepts unsorted input with repeated timestamps (last occurrence wins)', () => {
    const m = open();
    m.candles.upsert(KEY, { ts: [3 * M, M, 2 * M, M], open: [3, 1, 2, 9], high: [3, 1, 2, 9], low: [3, 1, 2, 9], close: [3, 1, 2, 9], volume: [0, 0, 0, 0] });
    const out = m.candles.range(KEY);
    expect(Array.from(out.ts)).toEqual([M, 2 * M, 3 * M]);
    expect(Array.from(out.open)).toEqual([9, 2, 3]);
    m.db.close();
  });

  it('range is half-open [from, to) and cuts inside chunks', () => {
    const m = open();
    const t0 = 1_650_000_000_000;
    m.candles.upsert(KEY, cols(Array.from({ length: 20_000 }, (_, i) => t0 + i * M)));
    const r = m.candles.range(KEY, t0 + 4095 * M, t0 + 8200 * M);
    expect(r.ts.length).toBe(8200 - 4095);
    expect(r.ts[0]).toBe(t0 + 4095 * M);
    expect(r.ts[r.ts.length - 1]).toBe(t0 + 8199 * M);
    expect(m.candles.range(KEY, t0 + 1, t0 + M).ts.length).toBe(0);
    expect(m.candles.range(KEY, t0 + M, t0).ts.length).toBe(0);
    expect(m.candles.range({ ...KEY, symbol: 'ETH/USDT' }).ts.length).toBe(0);
    // Read for the worker pool: the same candles, in shared memory.
    const shared = m.candles.range(KEY, t0 + 4095 * M, t0 + 8200 * M, { shared: true });
    for (const f of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(shared[f].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(shared[f])).toEqual(Array.from(r[f]));
    }
    expect(r.ts.buffer).toBeInstanceOf(ArrayBuffer);
    m.db.close();
  });

  it('matches a plain Map model under random batches of upserts (property)', () => {
    const m = open();
    let k = 0;
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 1000 })), { maxLength: 200 }), { maxLength: 6 }), fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 0, max: 30_000 }), (batches, a, b) => {
        const key = { ...KEY, symbol: `S${k++}` };
        const model = new Map<number, number>();
        for (const batch of batches) {
          const ts = batch.map(([t]) => t * M);
          const px = batch.map(([, p]) => p);
          m.candles.upsert(key, { ts, open: px, high: px, low: px, close: px, volume: px });
          batch.forEach(([t, p]) => model.set(t * M, p));
        }
        const [from, to] = [Math.min(a, b) * M, Math.max(a, b) * M];
        const want = [...model.entries()].filter(([t]) => t >= from && t < to).sort((x, y) => x[0] - y[0]);
        const got = m.candles.range(key, from, to);
        expect(Array.from(got.ts)).toEqual(want.map(([t]) => t));
        expect(Array.from(got.close)).toEqual(want.map(([, p]) => p));
      }),
      { numRuns: 150 },
    );
    m.db.close();
  });

  it('refuses bad input with a ValidationError and writes nothing of it', () => {
    const m = open();
    m.candles.upsert(KEY, cols([M, 2 * M]));
    const bad = { ...cols([3 * M, 4 * M]), close: Float64Array.of(1, Number.NaN) };
    expect(() => m.candles.upsert(KEY, bad)).toThrow(/close\[1\] is NaN/);
    expect(() => m.candles.upsert(KEY, { ...cols([3 * M]), ts: [3.5] })).toThrow(ValidationError);
    expect(() => m.candles.upsert(KEY, { ...cols([3 * M, 4 * M]), volume: [1] })).toThrow(/length/);
    expect(() => m.candles.upsert({ ...KEY, timeframe: '7x' }, cols([M]))).toThrow(/Unknown timeframe/);
    expect(() => m.candles.upsert({ ...KEY, symbol: '' }, cols([M]))).toThrow(ValidationError);
    expect(m.candles.dataset(KEY)?.count).toBe(2);
    m.db.close();
  });

  it('lists datasets per (source, symbol, timeframe) and removes one', () => {
    const m = open();
    m.candles.upsert(KEY, cols([M, 2 * M]));
    m.candles.upsert({ ...KEY, timeframe: '1h' }, cols([3_600_000]));
    m.candles.upsert({ ...KEY, source: 'csv:file.csv' }, cols([M]));
    expect(m.candles.datasets().map((d) => `${d.source} ${d.timeframe} ${d.count}`)).toEqual(['binance 1m 2', 'binance 1h 1', 'csv:file.csv 1m 1']);
    expect(m.candles.remove({ ...KEY, timeframe: '1h' })).toBe(true);
    expect(m.candles.remove({ ...KEY, timeframe: '1h' })).toBe(false);
    expect(m.candles.datasets()).toHaveLength(2);
    m.db.close();
  });

  it('knows timeframe lengths', () => {
    expect(timeframeMs('1m')).toBe(60_000);
    expect(timeframeMs('4h')).toBe(14_400_000);
    expect(timeframeMs('1d')).toBe(86_400_000);
    expect(() => timeframeMs('0m')).toThrow(ValidationError);
  });
});

describe('market database file', () => {
  it('is created with 16 KiB pages (candle chunks are large BLOB rows) and keeps them on reopen', () => {
    const file = `${tempDir()}/market.db`;
    const m = openMarket(file);
    expect(m.db.pragma('page_size', { simple: true })).toBe(16384);
    expect(m.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(m.db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    m.db.close();
    const again = openMarket(file);
    expect(again.db.pragma('page_size', { simple: true })).toBe(16384);
    again.db.close();
  });
});
