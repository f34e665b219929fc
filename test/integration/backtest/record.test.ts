/** Recording a backtest as an audit session: what the session holds, and the bound on its size. */
import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { rulesSource, sliceForBench } from '../../../workers/backtest/backtester.ts';
import { RECORD_MAX_BARS, recordBacktest } from '../../../workers/backtest/record.ts';

const demo = generateDemoCandles({ seed: 5, days: 40, symbols: [{ symbol: 'BTC/USDT', start: 30_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] });
const all = demo.get('BTC/USDT')!;
const config = { symbols: ['BTC/USDT'], timeframe: '1m', instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } } };
const strategy = rulesSource(getTemplate('sma-crossover')!.doc);
const spec = { sessionId: 'bt-test', strategyId: 'st-test', source: 'demo' };

describe('recorded backtests', () => {
  it('hold the config, every decision bar and fill, and end with the result\'s hash', () => {
    const columns = sliceForBench(all, 3000);
    const { result, events } = recordBacktest({ config, strategy, datasets: [{ symbol: 'BTC/USDT', columns, source: 'demo' }] }, spec);
    expect(result.trades.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ type: 'session-start', session: 'bt-test', ts: columns.ts[0], payload: { config: { venue: { kind: 'backtest' }, strategy: { id: 'st-test', version: result.strategy.version }, data: { source: 'demo', symbols: ['BTC/USDT'], from: columns.ts[0], to: columns.ts[2999] } } } });
    expect(events.at(-1)).toMatchObject({ type: 'session-stop', payload: { reason: 'ok', summary: { determinismHash: result.determinismHash } } });
    expect(events.filter((e) => e.type === 'bar')).toHaveLength(3000);
    expect(events.filter((e) => e.type === 'fill')).toHaveLength(result.counts.fills);
    expect(events.map((e) => (e as { sessionSeq?: number }).sessionSeq)).toEqual(events.map((_, k) => k + 1));
  });

  it(`refuse more than ${RECORD_MAX_BARS} bars before running anything`, () => {
    const columns = sliceForBench(all, RECORD_MAX_BARS + 1);
    expect(columns.ts.length).toBe(RECORD_MAX_BARS + 1);
    const err = (() => {
      try {
        recordBacktest({ config, strategy, datasets: [{ symbol: 'BTC/USDT', columns, source: 'demo' }] }, spec);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]!.path).toBe('record');
  });
});
