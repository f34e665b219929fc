/**
 * Order independence and determinism of the ledger and the kernel:
 * - the same fills applied twice, and in shuffled orders, give identical positions, P&L, fees and cash
 *   (dedup by venue + tradeId, canonical ledger order);
 * - the same run twice (seeded latency jitter and random slippage included) gives byte-identical fills and
 *   equity curves (compared as canonical JSON).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson } from '../../../main/core/audit/canonical.ts';
import { defineInstrument, money, type Fill } from '../../../main/core/model/index.ts';
import { Portfolio } from '../../../main/core/portfolio/portfolio.ts';
import { Engine, SimClock, type Strategy } from '../../../main/core/engine/index.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';
import { MemoryAuditSink } from '../../../main/core/ports.ts';
import { SPEC, columns, type Row } from './engine-fixtures.ts';

const inst = defineInstrument(SPEC);
const perp = defineInstrument({ ...SPEC, symbol: 'BTC/USDT:USDT', kind: 'perpetual' });

function state(p: Portfolio): string {
  return canonicalJson({ spot: p.position(inst.symbol), perp: p.position(perp.symbol), cash: p.balances() });
}

const fillArb = fc.record({
  sym: fc.constantFrom(inst.symbol, perp.symbol),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.integer({ min: 1, max: 5000 }),
  price: fc.integer({ min: 9000, max: 11000 }),
  ts: fc.integer({ min: 0, max: 20 }),
});

describe('fill replay', () => {
  it('twice and shuffled → identical positions and P&L (property, 300 ledgers)', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 40 }), fc.integer(), (raw, seed) => {
        const fills: Fill[] = raw.map((r, i) => ({
          venue: 'paper', tradeId: `t-${i}`, clientOrderId: `c-${i}`, symbol: r.sym, side: r.side, qty: r.qty, price: r.price,
          fee: money('0.01'), feeCurrency: 'USDT', liquidity: 'taker', ts: r.ts * 1000,
        }));
        const mk = (): Portfolio => {
          const p = new Portfolio({ baseCurrency: 'USDT', cash: { USDT: '50000' }, leverage: { [perp.symbol]: 3 } }, [inst, perp]);
          p.mark(inst.symbol, 100);
          p.mark(perp.symbol, 100);
          return p;
        };
        const a = mk();
        for (const f of fills) a.applyFill(f);
        const b = mk();
        for (const f of [...fills, ...fills]) b.applyFill(f); // replayed twice
        const shuffled = [...fills];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        const c = mk();
        for (const f of shuffled) c.applyFill(f);
        for (const f of fills) expect(c.applyFill(f)).toBe(false); // all duplicates now
        expect(state(b)).toBe(state(a));
        expect(state(c)).toBe(state(a));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('FIFO: buy 1@100, buy 1@120, sell 1@110 realizes +10 against the first lot and keeps the 120 lot', () => {
    const p = new Portfolio({ baseCurrency: 'USDT', cash: { USDT: '1000' } }, [inst]);
    const f = (id: string, side: 'buy' | 'sell', price: number, ts: number): Fill => ({ venue: 'v', tradeId: id, clientOrderId: id, symbol: inst.symbol, side, qty: 1000, price: price * 100, fee: 0n, feeCurrency: 'USDT', liquidity: 'taker', ts });
    p.applyFill(f('1', 'buy', 100, 1));
    p.applyFill(f('2', 'buy', 120, 2));
    p.applyFill(f('3', 'sell', 110, 3));
    const pos = p.position(inst.symbol);
    expect(pos.realizedPnl).toBe(money('10'));
    expect(pos.lots).toEqual([{ qty: 1000, price: 12000, ts: 2 }]);
    expect(p.cash('USDT')).toBe(money('890'));
  });

  it('perpetual funding: a long pays rate × notional, cash and equity move by exactly that', () => {
    const p = new Portfolio({ baseCurrency: 'USDT', cash: { USDT: '1000' }, leverage: { [perp.symbol]: 10 } }, [perp]);
    p.applyFill({ venue: 'v', tradeId: '1', clientOrderId: 'a', symbol: perp.symbol, side: 'buy', qty: 2000, price: 10000, fee: 0n, feeCurrency: 'USDT', liquidity: 'taker', ts: 1 });
    p.mark(perp.symbol, 100);
    p.applyFunding({ symbol: perp.symbol, ts: 2, rate: money('0.0001'), markPrice: 10000 });
    expect(p.position(perp.symbol).funding).toBe(money('0.02')); // 2 BTC × 100 × 1 bp
    expect(p.cash('USDT')).toBe(money('999.98'));
    expect(p.position(perp.symbol).margin).toBe(money('20')); // 200 notional / 10x
  });
});

describe('determinism', () => {
  function rows(n: number): Row[] {
    const out: Row[] = [];
    let s = 99;
    let p = 10_000;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const o = p;
      const c = Math.max(500, o + ((s >>> 8) % 301) - 150);
      out.push([o / 100, (Math.max(o, c) + ((s >>> 4) % 60)) / 100, (Math.min(o, c) - ((s >>> 12) % 60)) / 100, c / 100, 1 + ((s >>> 16) % 5)]);
      p = c;
    }
    return out;
  }

  class Sma implements Strategy {
    readonly id = 'det';
    private f = 0;
    private g = 0;
    onBar(c: Parameters<Strategy['onBar']>[0]): void {
      this.f += c.close(0) - (c.i >= 5 ? c.close(5) : 0);
      this.g += c.close(0) - (c.i >= 20 ? c.close(20) : 0);
      if (c.i < 20) return;
      const up = this.f / 5 > this.g / 20;
      if (up && c.position <= 0) c.target(1500);
      else if (!up && c.position >= 0) c.submit({ side: 'sell', type: 'limit', qty: 1000 + Math.max(0, c.position), price: c.ticks(c.close(0)) + 5, tif: 'GTC' });
    }
  }

  function once(): { fills: string; equity: string; audit: string } {
    const clock = new SimClock();
    const venue = new PaperVenue({ instruments: [inst], clock, seed: 42, latencyMs: 50, latencyJitterMs: 200, slippage: { kind: 'fixed-bps', bps: 1, jitterBps: 3 }, participation: 0.5 });
    const audit = new MemoryAuditSink();
    const e = new Engine({ instruments: [inst], venue, clock, audit, sessionId: 'D', portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } } });
    const r = e.run(inst.symbol, columns(rows(3000)), new Sma());
    return { fills: canonicalJson(r.fills), equity: canonicalJson(r.equity), audit: canonicalJson(audit.events) };
  }

  it('same seed + same data → byte-identical fills, equity curve and audit trail', () => {
    const a = once();
    const b = once();
    expect(JSON.parse(a.fills).length).toBeGreaterThan(20);
    expect(b.fills).toBe(a.fills);
    expect(b.equity).toBe(a.equity);
    expect(b.audit).toBe(a.audit);
  });
});
