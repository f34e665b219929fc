/**
 * Higher-timeframe bars aggregated from stored minutes: the chart gets the bar still forming, a backtest
 * (closedOnly) only bars whose every minute is stored, so re-reading the same range later gives the same bars.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketService } from '../../../main/host/data/market-service.ts';

const T0 = Date.UTC(2025, 0, 6, 0, 0);
const HOUR = 3_600_000;
const svc = MarketService.open(join(mkdtempSync(join(tmpdir(), 'kestrel-closed-')), 'market.db'));
afterAll(() => svc.close());

const key = { source: 'test', symbol: 'BTC/USDT', timeframe: '1m' };
/** Stores minutes [from, to) of a gentle ramp (prices rise a tick a minute). */
function store(fromMin: number, toMin: number): void {
  const rows = [];
  for (let m = fromMin; m < toMin; m++) rows.push(`${T0 + m * 60_000},${100 + m},${100.5 + m},${99.5 + m},${100.2 + m},1`);
  svc.importCsv(key, rows.join('\n'), { header: false, timestamps: 'ms' });
}
const hours = (closedOnly: boolean) => svc.candles({ source: 'test', symbol: 'BTC/USDT', timeframe: '1h', closedOnly }).columns;

describe('aggregated bars: forming vs closed', () => {
  it('leaves out the hour still forming only when asked, and keeps a complete last hour', () => {
    store(0, 90); // 1.5 hours
    expect(Array.from(hours(false).ts)).toEqual([T0, T0 + HOUR]);
    expect(Array.from(hours(true).ts)).toEqual([T0]);
    store(90, 120); // the second hour completes
    expect(Array.from(hours(true).ts)).toEqual([T0, T0 + HOUR]);
  });

  it('an explicit range bounds the bars by open time, each built from all of its minutes', () => {
    const last = svc.candles({ source: 'test', symbol: 'BTC/USDT', timeframe: '1h', from: T0, to: T0 + HOUR + 1, closedOnly: true }).columns;
    expect(Array.from(last.ts)).toEqual([T0, T0 + HOUR]);
    expect(Array.from(last.volume)).toEqual([60, 60]);
    expect(last.close[1]).toBe(100.2 + 119);
  });

  it('a closed bar read again after more minutes arrive is the same bar', () => {
    const before = hours(true);
    store(120, 150);
    const after = hours(true);
    expect(after.ts.length).toBe(before.ts.length);
    for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(after[c])).toEqual(Array.from(before[c]));
    // The forming view moved on: it has the new hour with 30 of its minutes.
    expect(hours(false).ts.length).toBe(3);
    expect(hours(false).volume[2]).toBe(30);
  });
});
