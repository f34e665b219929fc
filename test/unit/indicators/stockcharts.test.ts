/**
 * Comparison with the StockCharts worked examples (bukosabino/ta test files). Tolerance: 1e-6 relative, widened
 * only by the rounding of the printed reference value itself (half a unit of its last digit). Rows where our
 * convention differs (documented in main/core/indicators/README.md) are compared through the matching public
 * option (EMA seed 'first') or from where the conventions coincide.
 */
import { describe, expect, it } from 'vitest';
import * as I from '../../../main/core/indicators/index.ts';
import { haveStockcharts, readReference, STOCKCHARTS_DIR, type Reference } from './stockcharts-data.ts';

if (!haveStockcharts) {
  console.warn(`SKIPPED stockcharts comparison: reference data not found at ${STOCKCHARTS_DIR} (it is not committed; see test/unit/indicators/stockcharts-data.ts)`);
}

/** Compares ours with ref[column] on rows >= from where both are defined; returns how many rows were compared. */
function expectMatches(ours: ArrayLike<number>, ref: Reference, column: string, from = 0): number {
  const want = ref.col(column);
  const rnd = ref.rounding(column);
  let compared = 0;
  for (let i = from; i < want.length; i++) {
    const r = want[i]!;
    const o = ours[i]!;
    if (r !== r || o !== o) continue;
    const tol = Math.max(1e-6 * Math.abs(r), rnd[i]! * 1.0001);
    if (!(Math.abs(o - r) <= tol)) expect.fail(`${column} row ${i}: ours ${o}, reference ${r} (tolerance ${tol})`);
    compared++;
  }
  return compared;
}

describe.skipIf(!haveStockcharts)('StockCharts reference values', () => {
  it('ATR 14 and 10 (TR[0] = H-L, mean seed, Wilder)', () => {
    for (const [file, p] of [['cs-atr.csv', 14], ['cs-atr2.csv', 10]] as const) {
      const d = readReference(file);
      // The file writes 0 for "not ready"; compare from the first ready row.
      expect(expectMatches(I.atr(d.col('High'), d.col('Low'), d.col('Close'), p), d, 'ATR', p - 1)).toBe(d.rows - p + 1);
      expect(I.atr(d.col('High'), d.col('Low'), d.col('Close'), p)[p - 2]).toBeNaN();
    }
  });

  it('ADX with +DI/-DI (first ADX at 2p-1)', () => {
    const d = readReference('cs-adx.csv');
    const r = I.adx(d.col('High'), d.col('Low'), d.col('Close'), 14);
    expect(expectMatches(r.adx, d, 'ADX')).toBeGreaterThan(470);
    expect(expectMatches(r.plusDi, d, '+DI14')).toBeGreaterThan(480);
    expect(expectMatches(r.minusDi, d, '-DI14')).toBeGreaterThan(480);
    expect(Number.isNaN(r.adx[26]!) && !Number.isNaN(r.adx[27]!)).toBe(true);
  });

  it('Bollinger Bands 20,2 with %B and bandwidth (population stdev)', () => {
    const d = readReference('cs-bbands.csv');
    const r = I.bollinger(d.col('Close'), 20, 2);
    for (const [ours, col] of [[r.middle, 'MiddleBand'], [r.upper, 'HighBand'], [r.lower, 'LowBand'], [r.bandwidth, 'WidthBand'], [r.percentB, 'PercentageBand']] as const) {
      expect(expectMatches(ours, d, col)).toBe(d.rows - 19);
    }
  });

  it('CCI 20, MFI 14, Williams %R 14, ROC 12, Stochastic 14/3', () => {
    let d = readReference('cs-cci.csv');
    expect(expectMatches(I.cci(d.col('High'), d.col('Low'), d.col('Close'), 20), d, 'CCI')).toBe(11);
    d = readReference('cs-mfi.csv');
    expect(expectMatches(I.mfi(d.col('High'), d.col('Low'), d.col('Close'), d.col('Volume'), 14), d, 'MFI')).toBe(16);
    d = readReference('cs-percentr.csv');
    expect(expectMatches(I.williamsR(d.col('High'), d.col('Low'), d.col('Close'), 14), d, 'Williams_%R')).toBe(17);
    d = readReference('cs-roc.csv');
    expect(expectMatches(I.roc(d.col('Close'), 12), d, 'ROC')).toBe(8);
    d = readReference('cs-soo.csv');
    const s = I.stochastic(d.col('High'), d.col('Low'), d.col('Close'), 14, 1, 3);
    expect(expectMatches(s.k, d, 'SO')).toBe(17);
    expect(expectMatches(s.d, d, 'SO_SIG')).toBe(14);
  });

  it('OBV (from the first row with volume), rolling VWAP 14, WMA 9, Donchian 20', () => {
    let d = readReference('cs-obv.csv');
    const obv = I.obv(d.col('Close').subarray(1), d.col('Volume').subarray(1));
    expect(expectMatches([NaN, ...obv], d, 'OBV')).toBe(d.rows - 1);
    d = readReference('cs-vwap.csv');
    // ta reports an expanding VWAP before the window fills; ours is NaN there (ready at period-1).
    expect(expectMatches(I.rollingVwap(d.col('High'), d.col('Low'), d.col('Close'), d.col('Volume'), 14), d, 'vwap')).toBe(d.rows - 13);
    d = readReference('cs-wma.csv');
    // The file starts mid-series (its first WMA values use earlier, absent closes): compare where ours is ready.
    expect(expectMatches(I.wma(d.col('Close'), 9), d, 'WMA')).toBe(d.rows - 8);
    d = readReference('cs-dc.csv');
    const dc = I.donchian(d.col('high'), d.col('low'), 20);
    expect(expectMatches(dc.upper, d, 'upper_band')).toBe(d.rows - 19);
    expect(expectMatches(dc.lower, d, 'lower_band')).toBe(d.rows - 19);
    expect(expectMatches(dc.middle, d, 'middle_band')).toBe(d.rows - 19);
  });

  it('EMA and MACD line with the pandas seed (first close) the file uses; SMA-seeded MACD converges to it', () => {
    const d = readReference('cs-macd.csv');
    const close = d.col('Close');
    const f = I.ema(close, 12, 'first');
    const s = I.ema(close, 26, 'first');
    expect(expectMatches(f, d, 'short_ema')).toBe(d.rows);
    expect(expectMatches(s, d, 'long_ema')).toBe(d.rows);
    expect(expectMatches(f.map((x, i) => x - s[i]!), d, 'MACD_line')).toBe(d.rows - 1);
    // Documented difference: SMA seeding; the gap decays geometrically with the EMA factor.
    const ours = I.macd(close).macd;
    const ref = d.col('MACD_line');
    const gap = (i: number) => Math.abs(ours[i]! - ref[i]!);
    expect(gap(d.rows - 1)).toBeLessThan(gap(25) / 10);
  });

  it('Keltner 20/10/2: band half-width = 2 × our ATR(10); middle = EMA(20) with the file\'s first-close seed', () => {
    const d = readReference('cs-kc.csv');
    const k = I.keltner(d.col('High'), d.col('Low'), d.col('Close'), 20, 10, 2);
    const up = d.col('upper_band');
    const mid = d.col('middle_band');
    const refHalf = up.map((u, i) => u - mid[i]!);
    const ourHalf = k.upper.map((u, i) => u - k.middle[i]!);
    let compared = 0;
    for (let i = 19; i < d.rows; i++) {
      expect(Math.abs(ourHalf[i]! - refHalf[i]!)).toBeLessThanOrEqual(1e-6 * refHalf[i]!);
      compared++;
    }
    expect(compared).toBe(d.rows - 19);
    expect(expectMatches(I.ema(d.col('Close'), 20, 'first'), d, 'middle_band')).toBe(d.rows);
  });

  it('Parabolic SAR 0.02/0.2 from the first reversal on (initial trend convention differs)', () => {
    const d = readReference('cs-psar.csv');
    const r = I.psar(d.col('High'), d.col('Low'));
    const firstFlip = r.direction.findIndex((x, i) => i > 1 && x !== r.direction[i - 1]);
    expect(firstFlip).toBeGreaterThan(0);
    const n = expectMatches(r.sar, d, 'psar_up', firstFlip) + expectMatches(r.sar, d, 'psar_down', firstFlip);
    expect(n).toBe(d.rows - firstFlip);
  });

  it('RSI: SMA-seeded (ours) vs EWM-from-row-0 (file): only the seed differs, within the 3.7-point bound NOTES.md measured', () => {
    const d = readReference('cs-rsi.csv');
    const ours = I.rsi(d.col('Close'), 14);
    const ref = d.col('RSI');
    let compared = 0;
    for (let i = 14; i < d.rows; i++) {
      expect(Math.abs(ours[i]! - ref[i]!)).toBeLessThan(3.75);
      compared++;
    }
    expect(compared).toBe(d.rows - 14);
  });
});
