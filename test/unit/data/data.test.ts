import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataQualityError, ValidationError } from '../../../main/core/errors.ts';
import {
  aggregateColumns, allocColumns, columnsFromRows, contentHash, fillGaps, findGaps, generateDemoCandles, normaliseColumns, parseCandlesCsv,
  prepareForStore, qualityReport, serialiseCandlesCsv, validateColumns,
} from '../../../main/core/data/index.ts';
import { rowReason } from '../../../main/core/data/validate.ts';

const T0 = Date.UTC(2024, 0, 1);
const demo = generateDemoCandles({ days: 3 });
const btc = demo.get('BTC/USDT')!;

describe('validation and normalisation', () => {
  it('rejects each kind of bad row with its reason', () => {
    const rows = [
      [T0, 1, 2, 0.5, 1.5, 1], [T0 + 60_000, NaN, 2, 0.5, 1, 1], [T0 + 120_001, 1, 2, 0.5, 1, 1], [T0 + 180_000, 1, 2, 1.2, 1.5, 1],
      [T0 + 240_000, 1, 0.9, 0.5, 0.8, 1], [T0 + 300_000, 1, 2, 0.5, 1, -1], [T0 + 360_000, 0, 2, 0.5, 1, 1], [-60_000, 1, 2, 0.5, 1, 1],
    ];
    const v = validateColumns(columnsFromRows(rows), 60_000);
    expect(v.rows.map((r) => r.reason)).toEqual(['non_finite', 'off_grid_timestamp', 'low_above_open_or_close', 'high_below_open_or_close', 'negative_volume', 'non_positive_price', 'bad_timestamp']);
    expect(() => prepareForStore(columnsFromRows(rows), 60_000)).toThrow(DataQualityError);
  });

  it('fuzzed malformed candles are always rejected with a reason', () => {
    const bad = fc.oneof(fc.constant(NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.double({ max: -1e-9 }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: btc.ts.length - 1 }), fc.integer({ min: 0, max: 5 }), bad, (row, field, value) => {
        const rows = Array.from({ length: 50 }, (_, i) => [btc.ts[i]!, btc.open[i]!, btc.high[i]!, btc.low[i]!, btc.close[i]!, btc.volume[i]!]);
        rows[row % 50]![field] = value;
        const v = validateColumns(columnsFromRows(rows), 60_000);
        return v.rejected >= 1 && v.rows[0]!.row === row % 50 && v.rows[0]!.message.length > 0;
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts out-of-order rows and drops duplicates (last arrival wins), counting both', () => {
    const rows = [[T0 + 60_000, 2, 3, 1, 2, 1], [T0, 1, 2, 0.5, 1.5, 1], [T0 + 60_000, 2, 3, 1, 2.5, 1], [T0 + 120_000, 1, 2, 0.5, 1, 1]];
    const { columns, stats } = normaliseColumns(columnsFromRows(rows));
    expect(Array.from(columns.ts)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    expect(columns.close[1]).toBe(2.5);
    expect(stats).toMatchObject({ duplicates: 1, conflicting: 1, outOfOrder: 1 });
  });
});

describe('quality report', () => {
  it('flags a wick reaching 80 % past its bar (z > 10) although its close is ordinary', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [btc.ts[i]!, btc.open[i]!, btc.high[i]!, btc.low[i]!, btc.close[i]!, btc.volume[i]!]);
    const clean = qualityReport(columnsFromRows(rows), { tfMs: 60_000 });
    expect(clean.outliers.list.filter((o) => o.kind === 'wick')).toEqual([]);
    rows[77]![2] = Math.max(rows[77]![1]!, rows[77]![4]!) * 1.8;
    const q = qualityReport(columnsFromRows(rows), { tfMs: 60_000 });
    const hit = q.outliers.list.find((o) => o.row === 77);
    expect(hit).toMatchObject({ kind: 'wick' });
    expect(hit!.z).toBeGreaterThan(10);
    expect(q.ok).toBe(false);
  });

  it('finds gaps, fills them forward as marked synthetic rows, flags an injected outlier, hashes content', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [btc.ts[i]!, btc.open[i]!, btc.high[i]!, btc.low[i]!, btc.close[i]!, btc.volume[i]!]).filter((_, i) => i < 50 || i >= 60);
    rows[120]![4] = rows[120]![4]! * 1.2;
    rows[120]![2] = rows[120]![4]!;
    const c = columnsFromRows(rows);
    const q = qualityReport(c, { tfMs: 60_000 });
    expect(q.gaps).toMatchObject({ count: 1, missing: 10 });
    expect(q.outliers.list.map((o) => o.row)).toContain(120);
    expect(q.ok).toBe(false);
    const filled = fillGaps(c, 60_000, 'forward-fill');
    expect(filled.ts.length).toBe(200);
    expect(Array.from(filled.synthetic!.subarray(50, 60))).toEqual(new Array(10).fill(1));
    expect(filled.close[55]).toBe(c.close[49]);
    expect(findGaps(filled.ts, 60_000).missing).toBe(0);
    expect(qualityReport(filled, { tfMs: 60_000 }).syntheticRows).toBe(10);
    expect(contentHash(c)).not.toBe(contentHash(filled));
    expect(contentHash(c)).toBe(contentHash(columnsFromRows(rows)));
  });

  it('aggregates 1m to 1h and 1d on UTC boundaries', () => {
    const h = aggregateColumns(btc, 3_600_000);
    expect(h.ts.length).toBe(72);
    expect(h.open[1]).toBe(btc.open[60]);
    expect(h.close[1]).toBe(btc.close[119]);
    expect(h.high[1]).toBe(Math.max(...btc.high.subarray(60, 120)));
    expect(h.volume[1]).toBeCloseTo(btc.volume.subarray(60, 120).reduce((a, b) => a + b, 0), 6);
    expect(aggregateColumns(btc, 86_400_000).ts[1]).toBe(T0 + 86_400_000);
  });
});

describe('CSV', () => {
  it('round-trips bit-exactly with ms, s and ISO timestamps, with and without header', () => {
    for (const timestamps of ['ms', 's', 'iso'] as const) {
      for (const header of [true, false]) {
        const text = serialiseCandlesCsv(btc, { timestamps, header });
        const back = parseCandlesCsv(text, { tfMs: 60_000 });
        expect(back.timestamps).toBe(timestamps);
        expect(back.header).toBe(header);
        expect(contentHash(back.columns)).toBe(contentHash(btc));
      }
    }
  });

  it('reads headers in any column order, ; separators, comments and ISO with offsets', () => {
    const text = '# exported\nClose;Volume;Date;Open;High;Low\n1.5;10;2024-01-01T01:00:00+01:00;1;2;0.5\n';
    const r = parseCandlesCsv(text);
    expect([r.columns.ts[0], r.columns.open[0], r.columns.close[0], r.columns.volume[0]]).toEqual([T0, 1, 1.5, 10]);
  });

  it('fuzzed malformed files are rejected with a line-numbered reason', () => {
    const good = serialiseCandlesCsv(btc.ts.length > 30 ? { ts: btc.ts.subarray(0, 30), open: btc.open.subarray(0, 30), high: btc.high.subarray(0, 30), low: btc.low.subarray(0, 30), close: btc.close.subarray(0, 30), volume: btc.volume.subarray(0, 30) } : btc).split('\n');
    const corrupt = fc.oneof(
      fc.constantFrom('abc', '', '1e', '--1', 'NaN', '0x10', '1,2', '"'),
      fc.string({ maxLength: 6 }).filter((s) => !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s.trim())),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), corrupt, (line, field, junk) => {
        if (field === 0 && junk.trimStart().startsWith('#')) return true; // a `#` line is a comment by definition
        const lines = good.slice();
        const cells = lines[line]!.split(',');
        cells[field] = junk;
        lines[line] = cells.join(',');
        try {
          parseCandlesCsv(lines.join('\n'), { tfMs: 60_000 });
          return false;
        } catch (e) {
          return (e instanceof ValidationError || e instanceof DataQualityError) && /line \d+/.test(e.message);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses empty, binary, header-less-column and inconsistent-timestamp files', () => {
    expect(() => parseCandlesCsv('')).toThrow(/no data rows/);
    expect(() => parseCandlesCsv('a\u0000b')).toThrow(/binary/);
    expect(() => parseCandlesCsv('time,open,high,low,close\n1,2,3,1,2\n')).toThrow(/lacks column\(s\) volume/);
    expect(() => parseCandlesCsv(`${T0},1,2,0.5,1,1\n${T0 / 1000 + 60},1,2,0.5,1,1\n`)).toThrow(/looks like seconds/);
    expect(() => parseCandlesCsv('2024-02-30T00:00:00Z,1,2,0.5,1,1\n')).toThrow(/CSV line 1/);
  });
});

describe('demo generator', () => {
  it('is deterministic, valid, correlated, clustered and seasonal', () => {
    const again = generateDemoCandles({ days: 3 });
    for (const [s, c] of demo) expect(contentHash(again.get(s)!)).toBe(contentHash(c));
    expect(contentHash(generateDemoCandles({ days: 3, seed: 9 }).get('BTC/USDT')!)).not.toBe(contentHash(btc));
    for (const c of demo.values()) expect(validateColumns(c, 60_000).rejected).toBe(0);
    const year = generateDemoCandles({ days: 366 });
    const a = year.get('BTC/USDT')!;
    const b = year.get('ETH/USDT')!;
    const r = (c: typeof a) => Float64Array.from({ length: c.ts.length - 1 }, (_, i) => Math.log(c.close[i + 1]! / c.close[i]!));
    const ra = r(a);
    const rb = r(b);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const corr = (x: Float64Array, y: Float64Array) => {
      const mx = mean(x), my = mean(y);
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < x.length; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2; }
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(corr(ra, rb)).toBeGreaterThan(0.5);
    const abs = ra.map(Math.abs);
    expect(corr(abs.subarray(0, -1), abs.subarray(1))).toBeGreaterThan(0.1); // volatility clustering
    const byHour = new Float64Array(24);
    for (let i = 0; i < ra.length; i++) byHour[new Date(a.ts[i + 1]!).getUTCHours()]! += ra[i]! ** 2;
    expect(byHour[14]! / byHour[4]!).toBeGreaterThan(1.5); // intraday seasonality
    expect(a.ts.length).toBe(366 * 1440);
    expect(allocColumns(0).ts.length).toBe(0);
  });
});

describe('grid check', () => {
  it('a timestamp is off the timeframe grid exactly when ts mod tf is not 0 (property, up to the latest accepted ts)', () => {
    const tfs = [1, 7, 999, 1_000, 60_000, 300_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000];
    fc.assert(
      fc.property(fc.constantFrom(...tfs), fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: -3, max: 3 }), (tf, t, d) => {
        // Mostly on or next to the grid, where a rounding error would show.
        const ts = Math.min(1e13, Math.max(0, Math.floor(t / tf) * tf + d));
        const r = rowReason(ts, 1, 1, 1, 1, 0, tf);
        expect(r === 'off_grid_timestamp').toBe(ts % tf !== 0);
      }),
      { numRuns: 20_000 },
    );
  });
});
