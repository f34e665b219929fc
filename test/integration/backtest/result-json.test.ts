/**
 * The streamed result document: byte-identical to JSON.stringify(resultToJson(r)) while the curve fits (or with
 * every point asked for); beyond that, schema 3 with display points that are real bars and keep the extremes,
 * the same determinism hash (the golden one), and the full curves in the binary sidecar.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultToJson } from '../../../main/core/backtest/result.ts';
import { parseCandlesCsv } from '../../../main/core/data/csv.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { DISPLAY_SCHEMA, equityF64, resultJsonText } from '../../../main/host/reports/result-json.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';

const DIR = new URL('../../fixtures/golden/', import.meta.url);
/** golden.test.ts's config (importing it would run the golden suite here again). */
const GOLDEN_CONFIG = { symbols: ['BTC/USDT'], timeframe: '1m', initialCash: '10000', fees: { maker: '0.0002', taker: '0.0005' }, instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } } };
const columns = parseCandlesCsv(readFileSync(new URL('demo-btc-1m.csv', DIR), 'utf8')).columns;
const golden = JSON.parse(readFileSync(new URL('sma-crossover.json', DIR), 'utf8')) as { determinismHash: string };
const r = runBacktest({ config: GOLDEN_CONFIG, strategy: rulesSource(getTemplate('sma-crossover')!.doc), datasets: [{ symbol: 'BTC/USDT', columns, source: 'golden demo-btc-1m.csv' }] });

describe('result JSON writer', () => {
  it('writes exactly JSON.stringify(resultToJson(r)) when every point fits or is asked for', () => {
    expect(r.determinismHash).toBe(golden.determinismHash);
    const reference = JSON.stringify(resultToJson(r));
    expect(resultJsonText(r)).toBe(reference);
    expect(resultJsonText(r, { curvePoints: Infinity })).toBe(reference);
    expect(resultJsonText(r, { curvePoints: 4320 })).toBe(reference);
  });

  it('beyond curvePoints: schema 3, real bars only, extremes kept, everything else unchanged', () => {
    const doc = JSON.parse(resultJsonText(r, { curvePoints: 200 }));
    const full = resultToJson(r) as { equity: { ts: number[]; value: number[]; drawdown: number[] } } & Record<string, unknown>;
    expect(doc.schema).toBe(DISPLAY_SCHEMA);
    const { ts, value, drawdown, bars } = doc.equity as { ts: number[]; value: number[]; drawdown: number[]; bars: number };
    expect(bars).toBe(4320);
    expect(ts.length).toBeLessThanOrEqual(202);
    expect(ts.length).toBeGreaterThan(60);
    const at = new Map(full.equity.ts.map((t, i) => [t, i]));
    ts.forEach((t, k) => {
      const i = at.get(t)!;
      expect([value[k], drawdown[k]]).toEqual([full.equity.value[i], full.equity.drawdown[i]]);
      if (k) expect(t).toBeGreaterThan(ts[k - 1]!);
    });
    expect([ts[0], ts.at(-1)]).toEqual([full.equity.ts[0], full.equity.ts.at(-1)]);
    expect(Math.max(...value)).toBe(Math.max(...full.equity.value));
    expect(Math.min(...value)).toBe(Math.min(...full.equity.value));
    expect(Math.max(...drawdown)).toBe(Math.max(...full.equity.drawdown));
    const rest = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'schema' && k !== 'equity'));
    expect(rest(doc)).toEqual(rest(full));
    expect(doc.determinismHash).toBe(golden.determinismHash);
  });

  it('the binary sidecar holds every bar: times, equity, drawdown', () => {
    const bytes = equityF64(r);
    const n = bytes.byteLength / 24;
    const f = new Float64Array(bytes.buffer, bytes.byteOffset, 3 * n);
    expect(n).toBe(4320);
    expect(Array.from(f.subarray(0, n))).toEqual(Array.from(r.equity.ts));
    expect(Array.from(f.subarray(n, 2 * n))).toEqual(Array.from(r.equity.value));
    expect(Array.from(f.subarray(2 * n))).toEqual(Array.from(r.equity.drawdown));
  });
});
