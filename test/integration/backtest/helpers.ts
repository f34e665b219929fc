import type { OhlcvColumns } from '../../../main/core/data/candles.ts';
import { runBacktest, rulesSource, type StrategySource } from '../../../workers/backtest/backtester.ts';
import type { Strategy } from '../../../main/core/engine/strategy.ts';

export const T0 = Date.UTC(2024, 0, 1);
export const MIN = 60_000;

/** Bars as [open, high, low, close], one minute apart from T0. */
export function bars(rows: readonly (readonly [number, number, number, number])[]): OhlcvColumns {
  const n = rows.length;
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  rows.forEach(([o, h, l, cl], i) => {
    c.ts[i] = T0 + i * MIN; c.open[i] = o; c.high[i] = h; c.low[i] = l; c.close[i] = cl; c.volume[i] = 1000;
  });
  return c;
}

export const CONFIG = { symbols: ['TEST/USD'], timeframe: '1m', currency: 'USD', initialCash: '10000', instruments: { 'TEST/USD': { tickSize: '0.01', lotSize: '1' } } };

/** A long entry on bar 0's close (close > 100) with fixed size 1, once per day, plus the given exits. */
export function entryOnce(exits: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'kestrel.rules', version: 1, name: 'hand',
    entry: { long: { op: 'gt', a: 'close', b: 100 } },
    sizing: { mode: 'fixed', qty: 1 },
    exits, maxTradesPerDay: 1, ...extra,
  };
}

export function run(doc: unknown, c: OhlcvColumns, config: Record<string, unknown> = {}) {
  return runBacktest({ config: { ...CONFIG, ...config }, strategy: rulesSource(doc), datasets: [{ symbol: 'TEST/USD', columns: c, source: 'test' }] });
}

export function native(make: () => Strategy): StrategySource {
  return { info: { id: 'native', name: 'native', kind: 'native', version: 'v', params: {} }, create: make };
}

export function runNative(make: () => Strategy, c: OhlcvColumns, config: Record<string, unknown> = {}) {
  return runBacktest({ config: { ...CONFIG, ...config }, strategy: native(make), datasets: [{ symbol: 'TEST/USD', columns: c, source: 'test' }] });
}
