/**
 * Property: no sequence of orders and prices gets an account past a limit by an order. After every order the
 * gate accepts that adds exposure, the account recomputed here from scratch (positions and working orders at
 * the marks the gate saw) is within every cap, and no loss limit was breached when it was accepted. Prices can
 * still carry an account over a cap (marks move); then only reducing orders get through.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskRejectedError } from '../../../main/core/errors.ts';
import type { Engine } from '../../../main/core/engine/index.ts';
import { book, SYMBOLS } from './fixtures.ts';

const LIMITS = { maxOpenPositions: 2, maxGrossExposure: 12_000, maxNetExposure: 6_000, maxLeverage: 1.5, checkBuyingPower: true, maxPositionPctEquity: 0.8, maxDailyLoss: 1500, drawdownHaltPct: 0.25 };

type Step = { k: 'bar'; moves: number[] } | { k: 'order'; sym: number; side: 'buy' | 'sell'; qty: number; limit: boolean } | { k: 'cancel' };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant('bar' as const), moves: fc.array(fc.integer({ min: -1500, max: 1500 }), { minLength: 3, maxLength: 3 }) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('order' as const), sym: fc.integer({ min: 0, max: 2 }), side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.integer({ min: 1, max: 60_000 }), limit: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const) }) },
);

/** The account as a straightforward recomputation: worst case per symbol, marks from the engine. */
function account(e: Engine) {
  let gross = 0, netLong = 0, netShort = 0, open = 0;
  for (const s of SYMBOLS) {
    const q = e.portfolio.positionQty(s) / 1000;
    let buys = 0, sells = 0;
    for (const o of e.openOrders(s)) {
      if (o.state === 'held') continue;
      if (o.side === 'buy') buys += (o.qty - o.filledQty) / 1000;
      else sells += (o.qty - o.filledQty) / 1000;
    }
    if (q === 0 && buys === 0 && sells === 0) continue;
    const px = e.lastPrice(s);
    open++;
    gross += Math.max(Math.abs(q + buys), Math.abs(q - sells)) * px;
    netLong += (q + buys) * px;
    netShort += (q - sells) * px;
  }
  return { gross, netLong, netShort, open, equity: e.portfolio.equity() };
}

describe('no sequence of orders and prices gets an account past a limit', () => {
  it('holds for random order flow over three symbols', () => {
    const seen = { accepted: 0, refused: new Set<string>() };
    fc.assert(
      fc.property(fc.array(step, { minLength: 5, maxLength: 60 }), (steps) => {
        const b = book(LIMITS);
        const px = [100, 50, 20];
        b.bar({ [SYMBOLS[0]]: px[0]!, [SYMBOLS[1]]: px[1]!, [SYMBOLS[2]]: px[2]! });
        let peak = b.engine.portfolio.equity();
        const dayStart = peak;
        for (const s of steps) {
          if (s.k === 'bar') {
            s.moves.forEach((m, i) => (px[i] = Math.max(1, Math.round(px[i]! * (1 + m / 10_000) * 100) / 100)));
            b.bar({ [SYMBOLS[0]]: px[0]!, [SYMBOLS[1]]: px[1]!, [SYMBOLS[2]]: px[2]! });
            peak = Math.max(peak, b.engine.portfolio.equity());
            continue;
          }
          if (s.k === 'cancel') {
            b.engine.cancelAll();
            continue;
          }
          const sym = SYMBOLS[s.sym]!;
          const before = account(b.engine);
          const pos = b.engine.portfolio.positionQty(sym);
          const signed = s.side === 'buy' ? s.qty : -s.qty;
          const reduces = pos !== 0 && Math.sign(signed) !== Math.sign(pos) && Math.abs(pos + signed) <= Math.abs(pos) && Math.sign(pos + signed) !== -Math.sign(pos);
          const last = Math.round(b.engine.lastPrice(sym) * 100);
          let ok = true;
          try {
            b.engine.submit({ symbol: sym, side: s.side, type: s.limit ? 'limit' : 'market', qty: s.qty, ...(s.limit ? { price: last } : {}) });
          } catch (err) {
            if (!(err instanceof RiskRejectedError)) throw err;
            for (const r of err.reasons) seen.refused.add(r.rule);
            ok = false;
          }
          if (!ok || reduces) continue;
          seen.accepted++;
          const a = account(b.engine);
          const tol = 1e-6;
          expect(a.open).toBeLessThanOrEqual(LIMITS.maxOpenPositions);
          expect(a.gross).toBeLessThanOrEqual(LIMITS.maxGrossExposure + tol);
          if (s.side === 'buy') expect(a.netLong).toBeLessThanOrEqual(LIMITS.maxNetExposure + tol);
          else expect(-a.netShort).toBeLessThanOrEqual(LIMITS.maxNetExposure + tol);
          expect(a.gross).toBeLessThanOrEqual(LIMITS.maxLeverage * a.equity + tol);
          expect(a.gross).toBeLessThanOrEqual(a.equity + tol); // buying power, spot: margin = gross
          expect(s.qty / 1000 * b.engine.lastPrice(sym)).toBeLessThanOrEqual(Math.max(LIMITS.maxPositionPctEquity * a.equity, 0) + tol + (Math.abs(pos) / 1000) * b.engine.lastPrice(sym));
          expect(dayStart - a.equity).toBeLessThan(LIMITS.maxDailyLoss);
          expect((peak - a.equity) / peak).toBeLessThan(LIMITS.drawdownHaltPct);
          expect(before.equity).toBe(a.equity);
        }
      }),
      { numRuns: process.env.KESTREL_FULL ? 2000 : 200 },
    );
    // Not vacuous: orders got through, and every account rule was exercised.
    expect(seen.accepted).toBeGreaterThan(100);
    for (const r of ['max_open_positions', 'max_gross_exposure', 'max_net_exposure', 'max_leverage', 'buying_power', 'max_position_pct_equity']) expect(seen.refused).toContain(r);
  });
});
