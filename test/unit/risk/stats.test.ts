/**
 * The correlation and VaR rules fed by the prices the gate watches (risk/stats.ts), through the engine as a
 * backtest or a paper session drives it: no snapshot is set by hand. 1 BTC (1,000 lots) at 100.00 is 100 USDT.
 */
import { describe, expect, it } from 'vitest';
import { MIN_ROWS, PortfolioStats } from '../../../main/core/risk/stats.ts';
import { toRiskLimits, parseRiskProfile } from '../../../main/core/risk/profile.ts';
import { MIN } from '../core/engine-fixtures.ts';
import { book } from './fixtures.ts';

function walk(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

/** BTC and ETH share one random factor (ρ ≈ 1), SOL moves on its own. */
function drive(b: ReturnType<typeof book>, bars: number): void {
  const common = walk(3), own = walk(11);
  let btc = 100, eth = 100, sol = 100;
  for (let i = 0; i < bars; i++) {
    const f = common() * 0.02;
    btc *= 1 + f;
    eth *= 1 + f;
    sol *= 1 + own() * 0.02;
    b.bar({ 'BTC/USDT': round(btc), 'ETH/USDT': round(eth), 'SOL/USDT': round(sol) });
  }
}
const round = (x: number): number => Math.round(x * 100) / 100;
const rules = (v: { reasons: readonly { rule: string }[] }): string[] => v.reasons.map((r) => r.rule);
const STATS = { intervalMs: MIN, window: 40, method: 'parametric', confidence: 0.99 } as const;

describe('correlation and VaR from the watched prices', () => {
  it('correlation bucket (30 % of equity): ETH 2,000 held, BTC 2,000 more is refused, SOL 2,000 passes', () => {
    const b = book({ correlation: { threshold: 0.7, maxBucketPctEquity: 0.3 }, stats: STATS });
    drive(b, 30);
    b.engine.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: Math.round(2000 / last(b, 'ETH/USDT') * 1000) });
    b.bar(lastCloses(b));
    expect(b.engine.portfolio.positionQty('ETH/USDT')).toBeGreaterThan(0);
    const btcQty = Math.round(2000 / last(b, 'BTC/USDT') * 1000);
    const v = b.engine.checkRisk({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: btcQty });
    expect(rules(v)).toEqual(['correlation_bucket']);
    expect(v.reasons[0]).toMatchObject({ limit: 0.3 });
    expect(b.engine.checkRisk({ symbol: 'SOL/USDT', side: 'buy', type: 'market', qty: Math.round(2000 / last(b, 'SOL/USDT') * 1000) }).ok).toBe(true);
    const snap = b.gate.snapshot!;
    const k = snap.symbols.length, i = snap.symbols.indexOf('BTC/USDT'), j = snap.symbols.indexOf('ETH/USDT'), s = snap.symbols.indexOf('SOL/USDT');
    expect(snap.corr[i * k + j]).toBeGreaterThan(0.99);
    expect(Math.abs(snap.corr[i * k + s]!)).toBeLessThan(0.7);
  });

  it(`the rules stay silent until the window holds ${MIN_ROWS} returns`, () => {
    const early = book({ correlation: { threshold: 0.7, maxBucketPctEquity: 0.3 }, stats: STATS });
    drive(early, MIN_ROWS - 2); // MIN_ROWS - 3 returns: a row closes at the next interval's first print
    early.engine.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: 20_000 });
    early.bar(lastCloses(early));
    expect(early.gate.stats!.ready).toBe(false);
    expect(early.engine.checkRisk({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 20_000 }).ok).toBe(true);
  });

  it('VaR (99 % parametric, 1-day from 1-minute returns by √1440): refuses what its own snapshot says is over', () => {
    const b = book({ var: { maxPctEquity: 0.05 }, stats: STATS });
    drive(b, 45);
    const snap0 = b.gate.stats!.snapshotFor(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], new Float64Array(3), 10_000)!;
    expect(snap0.scale).toBeCloseTo(Math.sqrt(1440), 9);
    const k = snap0.symbols.length, i = snap0.symbols.indexOf('SOL/USDT');
    const sigma = Math.sqrt(snap0.cov[i * k + i]!);
    // The SOL value whose 1-day VaR is exactly 5 % of 10,000 equity.
    const atCap = 500 / (2.3263478740408408 * sigma * Math.sqrt(1440));
    const px = last(b, 'SOL/USDT');
    const under = Math.floor(atCap * 0.98 / px * 1000), above = Math.ceil(atCap * 1.02 / px * 1000);
    expect(b.engine.checkRisk({ symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: under, price: Math.round(px * 100) }).ok).toBe(true);
    expect(rules(b.engine.checkRisk({ symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: above, price: Math.round(px * 100) }))).toEqual(['max_var']);
  });

  it('a profile turns the rules on with one window (the longer of the two) and its sampling interval', () => {
    const l = toRiskLimits(parseRiskProfile({ name: 'p', correlation: { window: 50 }, var: { window: 120, method: 'historical', confidence: 0.95 }, returnsEveryMinutes: 15 }));
    expect(l.stats).toEqual({ intervalMs: 15 * MIN, window: 120, method: 'historical', confidence: 0.95 });
    expect(toRiskLimits(parseRiskProfile({ name: 'q' })).stats).toBeUndefined();
  });

  it('a print closes an interval once per interval; a new symbol restarts the window', () => {
    const s = new PortfolioStats(STATS);
    expect(s.observe('A', 0, 100)).toBe(false);
    expect(s.observe('A', MIN - 1, 101)).toBe(false);
    expect(s.observe('A', MIN, 102)).toBe(false); // first row has no previous price: no return yet
    expect(s.observe('A', 2 * MIN, 103)).toBe(true);
    expect(s.rows).toBe(1);
    s.observe('B', 2 * MIN + 1, 50);
    expect(s.rows).toBe(0);
    expect(s.observe('A', 3 * MIN, 0)).toBe(false); // a zero or NaN print is ignored
    expect(s.observe('A', 3 * MIN, Number.NaN)).toBe(false);
  });
});

function last(b: ReturnType<typeof book>, sym: string): number {
  return b.engine.portfolio.positions.get(sym)!.markF ?? 0;
}

function lastCloses(b: ReturnType<typeof book>): Record<string, number> {
  return Object.fromEntries(['BTC/USDT', 'ETH/USDT', 'SOL/USDT'].map((s) => [s, last(b, s)]));
}
