/**
 * Hand-computed backtests. Every case: bar 0 closes at 101 > 100, so the rule places a market buy of 1
 * unit at bar 0's close, which fills at bar 1's OPEN (100.00). Protective exits are armed at bar 1's close
 * (the bar the entry filled in) and work from bar 2. Intrabar path (paper venue): open → nearer extreme →
 * farther extreme → close; a tie goes to the high first. Prices have a 0.01 tick, size is 1 unit.
 */
import { describe, expect, it } from 'vitest';
import { bars, entryOnce, MIN, run, T0 } from './helpers.ts';

const ENTRY: [number, number, number, number][] = [
  [100, 102, 99, 101], // bar 0: close 101 > 100 → buy at the close
  [100, 101, 99, 100], // bar 1: filled at the open, 100.00; exits armed at this close
];

describe('hand-computed exits', () => {
  it('stop-loss 10 %: stop at 90.00 hit inside bar 3 fills at the trigger', () => {
    // bar 3: open 95, high 96 (1 away) is nearer than low 88 (7 away) → 95 → 96 → 88 → 89.
    // The fall from 96 to 88 crosses 90.00: a stop fills at its trigger on continuous trading.
    // P&L = (90 − 100) × 1 = −10.
    const r = run(entryOnce({ stopLoss: { percent: 10 } }), bars([...ENTRY, [99, 99.5, 95, 96], [95, 96, 88, 89], [89, 90, 88, 89]]));
    expect(r.status).toBe('ok');
    expect(r.trades).toHaveLength(1);
    const t = r.trades[0]!;
    expect(t).toMatchObject({ side: 'long', entryTs: T0 + MIN, entryPrice: '100', exitPrice: '90', pnl: '-10', exitReason: 'stop-loss' });
    expect(t.exitTs).toBeGreaterThan(T0 + 3 * MIN);
    expect(t.exitTs).toBeLessThan(T0 + 4 * MIN);
    expect(r.stats.finalEquity).toBeCloseTo(9990, 9);
    expect(r.stats.netProfit).toBe('-10');
  });

  it('a gap through the stop fills at the open, not at the trigger', () => {
    // bar 3 opens at 85, below the 90.00 stop: nothing traded in between, so the fill is the gap price.
    // P&L = 85 − 100 = −15.
    const r = run(entryOnce({ stopLoss: { percent: 10 } }), bars([...ENTRY, [99, 99.5, 95, 96], [85, 86, 84, 85], [85, 86, 84, 85]]));
    expect(r.trades[0]).toMatchObject({ exitPrice: '85', pnl: '-15', exitReason: 'stop-loss', exitTs: T0 + 3 * MIN });
  });

  it('take-profit 5 %: 105.00 touched inside the bar fills at the trigger', () => {
    // bar 3: open 102, low 101 (1 away) nearer than high 106 (4 away) → 102 → 101 → 106 → 104.
    // The rise 101 → 106 touches 105.00. P&L = +5.
    const r = run(entryOnce({ takeProfit: { percent: 5 } }), bars([...ENTRY, [100, 101, 99.5, 100.5], [102, 106, 101, 104], [104, 105, 103, 104]]));
    expect(r.trades[0]).toMatchObject({ exitPrice: '105', pnl: '5', exitReason: 'take-profit' });
  });

  it('stop-loss and take-profit are one OCO group: the first touched wins, the other is cancelled', () => {
    // bar 3 as in the take-profit case; the 90.00 stop is never reached, and after the take-profit fills the
    // stop must be gone: bar 4 dives to 80 and nothing else fills (one trade, two fills).
    const r = run(entryOnce({ takeProfit: { percent: 5 }, stopLoss: { percent: 10 } }), bars([...ENTRY, [100, 101, 99.5, 100.5], [102, 106, 101, 104], [85, 86, 80, 81]]));
    expect(r.trades).toHaveLength(1);
    expect(r.trades[0]).toMatchObject({ exitPrice: '105', exitReason: 'take-profit' });
    expect(r.counts.fills).toBe(2);
  });

  it('trailing stop 5 % follows the high and fills at the trailed trigger', () => {
    // Armed at bar 1's close (reference 100.00 → trigger 95.00).
    // bar 2: 101 → 100 → 110 → 109 (low nearer). Open 101 raises the trigger to 101 − 5.05 = 95.95; the rise
    //        to 110 raises it to 110 − 5.50 = 104.50; the close 109 stays above it.
    // bar 3: 108 → 108 → 100 → 101 (tie → high first). The fall 108 → 100 crosses 104.50: fill at 104.50.
    // P&L = 104.50 − 100 = +4.50.
    const r = run(entryOnce({ trailingStop: { percent: 5 } }), bars([...ENTRY, [101, 110, 100, 109], [108, 108, 100, 101], [101, 102, 100, 101]]));
    expect(r.trades[0]).toMatchObject({ exitPrice: '104.5', pnl: '4.5', exitReason: 'trailing-stop' });
  });

  it('time exit after 2 bars: market exit at bar 2 close fills at bar 3 open', () => {
    // Held bars counted from the entry bar (bar 1 = 1, bar 2 = 2) → exit order at bar 2's close,
    // filled at bar 3's open, 103.00. P&L = +3.
    const r = run(entryOnce({ timeExitBars: 2 }), bars([...ENTRY, [100, 104, 99, 102], [103, 104, 102, 103], [103, 104, 102, 103]]));
    expect(r.trades[0]).toMatchObject({ entryTs: T0 + MIN, exitTs: T0 + 3 * MIN, exitPrice: '103', pnl: '3', bars: 2 });
  });

  it('fees: 10 bps taker on both sides come off the P&L exactly', () => {
    // Take-profit case with fees 0.001: entry notional 100.00 → fee 0.10; exit notional 105.00 → fee 0.105.
    // Net P&L = 5 − 0.10 − 0.105 = 4.795; final equity 10004.795.
    const r = run(entryOnce({ takeProfit: { percent: 5 } }), bars([...ENTRY, [100, 101, 99.5, 100.5], [102, 106, 101, 104], [104, 105, 103, 104]]), { fees: { maker: '0.001', taker: '0.001' } });
    expect(r.trades[0]).toMatchObject({ pnl: '4.795', fees: '0.205' });
    expect(r.stats.netProfit).toBe('4.795');
    expect(r.stats.fees).toBe('0.205');
  });

  it('slippage from config moves a market fill against the trader', () => {
    // 100 bps fixed slippage on the entry at 100.00 → 101.00 (ceil of 1 % of 10000 ticks = 100 ticks).
    const r = run(entryOnce({ timeExitBars: 1 }), bars([...ENTRY, [100, 101, 99, 100], [100, 101, 99, 100]]), { slippage: { kind: 'fixed-bps', bps: 100 } });
    expect(r.trades[0]).toMatchObject({ entryPrice: '101', exitPrice: '99' });
  });

  it('latency from config delays the fill to the first bar opening after it', () => {
    // 90 s latency: the order sent at bar 0's close (T0+1m) arrives at T0+2.5m → joins bar 3 at its open (102).
    const r = run(entryOnce({ timeExitBars: 1 }), bars([...ENTRY, [101, 101, 101, 101], [102, 102, 102, 102], [103, 103, 103, 103], [104, 104, 104, 104], [105, 105, 105, 105], [106, 106, 106, 106]]), { latencyMs: 90_000 });
    // The time exit sent at bar 3's close (T0+4m) arrives at T0+5.5m → bar 6's open, 105.
    expect(r.trades[0]).toMatchObject({ entryTs: T0 + 3 * MIN, entryPrice: '102', exitTs: T0 + 6 * MIN, exitPrice: '105' });
  });

  it('cooldown and max trades per day limit entries', () => {
    // close > 100 on every bar, exit after 1 bar; cooldown 3 bars after each exit.
    const rows: [number, number, number, number][] = Array.from({ length: 20 }, () => [101, 102, 100.5, 101.5]);
    const free = run(entryOnce({ timeExitBars: 1 }, { maxTradesPerDay: undefined }), bars(rows));
    const cool = run(entryOnce({ timeExitBars: 1 }, { maxTradesPerDay: undefined, cooldownBars: 3 }), bars(rows));
    const capped = run(entryOnce({ timeExitBars: 1 }, { maxTradesPerDay: 2 }), bars(rows));
    expect(capped.trades.length).toBe(2);
    expect(cool.trades.length).toBeLessThan(free.trades.length);
    for (let k = 1; k < cool.trades.length; k++) expect(cool.trades[k]!.entryTs - cool.trades[k - 1]!.exitTs).toBeGreaterThanOrEqual(3 * MIN);
  });
});
