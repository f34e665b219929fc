/** Failing strategies end with a clear error, keep partial results, and leave the backtester usable. */
import { describe, expect, it } from 'vitest';
import type { Strategy, StrategyContext } from '../../../main/core/engine/strategy.ts';
import { bars, runNative, run, entryOnce } from './helpers.ts';

const rows: [number, number, number, number][] = Array.from({ length: 30 }, (_, i) => [100 + i, 101 + i, 99 + i, 100.5 + i]);

function buyAt0(then: (ctx: StrategyContext) => void): () => Strategy {
  return () => ({
    id: 'x',
    onBar(ctx) {
      if (ctx.i === 0) ctx.buy(1);
      then(ctx);
    },
  });
}

describe('strategy failures', () => {
  it('a strategy that throws stops at that bar with status error; bars before are kept', () => {
    const r = runNative(buyAt0((ctx) => { if (ctx.i === 10) throw new Error('boom in my strategy'); }), bars(rows));
    expect(r.status).toBe('error');
    expect(r.error).toMatchObject({ message: 'boom in my strategy', bar: 10 });
    expect(r.equity.value).toHaveLength(11);
    expect(r.counts.fills).toBe(1); // the entry at bar 1's open happened before the failure
    expect(r.openPositions).toHaveLength(1);
    expect(r.determinismHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an order sized NaN is refused with a validation error naming qty', () => {
    const r = runNative(buyAt0((ctx) => { if (ctx.i === 5) ctx.buy(NaN); }), bars(rows));
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('validation');
    expect(r.error?.message).toMatch(/qty/);
    expect(r.error?.bar).toBe(5);
    expect(r.equity.value).toHaveLength(6);
  });

  it('a look-ahead attempt (reading the next bar) fails the run instead of seeing the future', () => {
    let seen = 0;
    const r = runNative(() => ({ id: 'peek', onBar(ctx) { seen = ctx.close(-1); } }), bars(rows));
    expect(seen).toBe(0);
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('strategy');
    expect(r.error?.message).toMatch(/look-ahead/);
    expect(r.error?.bar).toBe(0);
  });

  it('the backtester keeps working after a failed run, and runs are deterministic', () => {
    runNative(buyAt0(() => { throw new Error('x'); }), bars(rows));
    const a = run(entryOnce({ timeExitBars: 3 }, { maxTradesPerDay: undefined }), bars(rows), { seed: 7, slippage: { kind: 'fixed-bps', bps: 5, jitterBps: 5 } });
    const b = run(entryOnce({ timeExitBars: 3 }, { maxTradesPerDay: undefined }), bars(rows), { seed: 7, slippage: { kind: 'fixed-bps', bps: 5, jitterBps: 5 } });
    const c = run(entryOnce({ timeExitBars: 3 }, { maxTradesPerDay: undefined }), bars(rows), { seed: 8, slippage: { kind: 'fixed-bps', bps: 5, jitterBps: 5 } });
    expect(a.status).toBe('ok');
    expect(a.trades.length).toBeGreaterThan(3);
    expect(b.determinismHash).toBe(a.determinismHash);
    expect(b.trades).toEqual(a.trades);
    expect(c.determinismHash).not.toBe(a.determinismHash); // the seed drives the slippage jitter
  });

  it('the result carries the data-quality certificate of its dataset, gaps included', () => {
    const c = bars(rows);
    const gapped = { ...c, ts: c.ts.map((t, i) => (i >= 20 ? t + 5 * 60_000 : t)) };
    const r = run(entryOnce({ timeExitBars: 3 }), gapped);
    const cert = r.certificate.datasets[0]!;
    expect(cert.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(cert.count).toBe(30);
    expect(cert.gaps.missing).toBe(5);
    expect(r.certificate.ok).toBe(false);
    expect(run(entryOnce({ timeExitBars: 3 }), c).certificate.ok).toBe(true);
  });
});
