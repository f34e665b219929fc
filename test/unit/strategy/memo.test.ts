import { describe, expect, it } from 'vitest';
import { IndicatorMemo } from '../../../main/core/strategy/series.ts';
import { computeIndicator, parseIndicatorSpec } from '../../../main/core/indicators/index.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { sliceColumns } from '../../../main/core/data/candles.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { PreparedRun, rulesSource, RunScratch, runBacktest } from '../../../workers/backtest/backtester.ts';

const cols = generateDemoCandles({ seed: 7, days: 3 }).get('BTC/USDT')!;

describe('indicator memo (sweeps share batch indicators)', () => {
  it('computes each indicator once per candle range and returns equal values', () => {
    const memo = new IndicatorMemo();
    const spec = parseIndicatorSpec('sma:20');
    const a = memo.outputs(spec, cols);
    const b = memo.outputs(spec, cols);
    expect(b).toBe(a);
    expect(memo.hits).toBe(1);
    expect(Array.from(a.value!)).toEqual(Array.from(computeIndicator(spec, cols).outputs.value!));
    // Another window of the same memory (walk-forward) or another indicator is computed afresh.
    const part = sliceColumns(cols, 100, 2000);
    expect(memo.outputs(spec, part)).not.toBe(a);
    expect(memo.outputs(parseIndicatorSpec('sma:21'), cols)).not.toBe(a);
    expect(memo.hits).toBe(1);
  });

  it('stays within its byte budget, dropping the oldest entry', () => {
    const one = cols.close.byteLength;
    const memo = new IndicatorMemo(2 * one);
    const s = (p: number) => parseIndicatorSpec(`sma:${p}`);
    const first = memo.outputs(s(5), cols);
    memo.outputs(s(6), cols);
    memo.outputs(s(7), cols); // evicts sma:5
    expect(memo.outputs(s(7), cols)).toBe(memo.outputs(s(7), cols));
    expect(memo.outputs(s(5), cols)).not.toBe(first);
  });

  it('a sweep with a prepared run, the memo and lent buffers gives the rows a full backtest gives', () => {
    const doc = getTemplate('sma-crossover')!.doc;
    const whole = { symbols: ['BTC/USDT'], timeframe: '1m' };
    // A shorter window after a longer one: the lent equity buffer is longer than the run.
    const part = { ...whole, from: cols.ts[500]!, to: cols.ts[2500]! };
    const datasets = [{ symbol: 'BTC/USDT', columns: cols, source: 'demo' }];
    const memo = new IndicatorMemo();
    const scratch = new RunScratch();
    const prepared = new Map([whole, part].map((c) => [c, new PreparedRun(c, datasets)]));
    for (const [config, params] of [[whole, { fast: 5, slow: 20 }], [whole, { fast: 5, slow: 30 }], [part, { fast: 8, slow: 20 }], [whole, { fast: 8, slow: 20 }]] as const) {
      const shared = prepared.get(config)!.summarize(rulesSource(doc, params, memo), {}, scratch);
      const alone = runBacktest({ config, strategy: rulesSource(doc, params), datasets });
      expect(shared.determinismHash).toBe(alone.determinismHash);
      expect(shared.stats).toEqual(alone.stats);
    }
    expect(memo.hits).toBeGreaterThan(0);
  });
});
