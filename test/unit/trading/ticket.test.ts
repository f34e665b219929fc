import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketRequest } from '../../../main/contract/trading.ts';
import { ValidationError } from '../../../main/core/errors.ts';
import { defineInstrument, money, notional } from '../../../main/core/model/index.ts';
import { parseTicket } from '../../../main/host/trading/ticket.ts';

const BTC = defineInstrument({ symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001', minNotional: '5' });
const ctx = { lastTicks: 4_200_000, equity: money('10000') };
const t = (x: Partial<TicketRequest>): TicketRequest => ({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.5', price: '42000.5', ...x }) as TicketRequest;

const issuePaths = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues.map((i) => i.path);
    throw e;
  }
  return [];
};

describe('order ticket → engine request', () => {
  it('converts decimal text exactly to ticks and lots', () => {
    const p = parseTicket(t({}), BTC, 'exact', ctx);
    expect(p.request).toMatchObject({ type: 'limit', price: 4_200_050, qty: 50_000, side: 'buy' });
    expect(p.snapped).toBe(false);
  });

  it('exact mode refuses off-grid input; snap mode moves it (price to nearest tick, quantity down to the lot)', () => {
    expect(issuePaths(() => parseTicket(t({ price: '42000.005' }), BTC, 'exact', ctx))).toEqual(['price']);
    expect(issuePaths(() => parseTicket(t({ qty: '0.123456' }), BTC, 'exact', ctx))).toEqual(['qty']);
    const s = parseTicket(t({ price: '42000.006', qty: '0.123459' }), BTC, 'snap', ctx);
    expect(s.request).toMatchObject({ price: 4_200_001, qty: 12_345 });
    expect(s.snapped).toBe(true);
    expect(issuePaths(() => parseTicket(t({ qty: '0.000001' }), BTC, 'snap', ctx))).toEqual(['qty']);
  });

  it('names the field of every shape problem', () => {
    expect(issuePaths(() => parseTicket(t({ price: undefined }), BTC, 'exact', ctx))).toEqual(['price']);
    expect(issuePaths(() => parseTicket(t({ type: 'market' }), BTC, 'exact', ctx))).toEqual(['price']);
    expect(issuePaths(() => parseTicket(t({ type: 'stop-limit' }), BTC, 'exact', ctx))).toEqual(['triggerPrice']);
    expect(issuePaths(() => parseTicket(t({ equityPct: '5' }), BTC, 'exact', ctx))).toEqual(['qty']);
    expect(issuePaths(() => parseTicket(t({ qty: undefined }), BTC, 'exact', ctx))).toEqual(['qty']);
    expect(issuePaths(() => parseTicket(t({ price: '0' }), BTC, 'exact', ctx))).toEqual(['price']);
    expect(issuePaths(() => parseTicket(t({ qty: '100000000000000' }), BTC, 'exact', ctx))).toEqual(['qty']);
    expect(issuePaths(() => parseTicket(t({ type: 'market', price: undefined, postOnly: true }), BTC, 'exact', ctx))).toEqual(['postOnly']);
  });

  it('maps ticket types onto engine order types', () => {
    expect(parseTicket(t({ type: 'stop', price: undefined, triggerPrice: '43000' }), BTC, 'exact', ctx).request).toMatchObject({ type: 'stop-market', triggerPrice: 4_300_000 });
    expect(parseTicket(t({ type: 'stop-limit', triggerPrice: '43000', price: '43010' }), BTC, 'exact', ctx).request).toMatchObject({ type: 'stop-limit', triggerPrice: 4_300_000, price: 4_301_000 });
    const b = parseTicket(t({ type: 'bracket', price: undefined, takeProfit: '43000', stopLoss: '41000' }), BTC, 'exact', ctx);
    expect(b.bracket).toEqual({ entry: { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 50_000 }, takeProfit: 4_300_000, stopLoss: 4_100_000 });
    expect(issuePaths(() => parseTicket(t({ type: 'bracket', side: 'sell', price: undefined, takeProfit: '43000', stopLoss: '41000' }), BTC, 'exact', ctx))).toEqual(['takeProfit', 'stopLoss']);
  });

  it('a stop the market has already crossed is refused at submit unless confirmed; preview flags it', () => {
    const stop = (side: 'buy' | 'sell', trigger: string, extra: Partial<TicketRequest> = {}) => t({ type: 'stop', side, price: undefined, triggerPrice: trigger, ...extra });
    // last = 42000.00: a buy stop at/below it, or a sell stop at/above it, would trigger on arrival.
    for (const [side, trigger] of [['buy', '41000'], ['buy', '42000'], ['sell', '42000'], ['sell', '43000']] as const) {
      expect(issuePaths(() => parseTicket(stop(side, trigger), BTC, 'exact', ctx))).toEqual(['triggerPrice']);
      expect(parseTicket(stop(side, trigger, { confirmTriggerNow: true }), BTC, 'exact', ctx).triggersNow).toBe(true);
      expect(parseTicket(stop(side, trigger), BTC, 'snap', ctx).triggersNow).toBe(true);
    }
    expect(issuePaths(() => parseTicket(t({ type: 'stop-limit', triggerPrice: '41000', price: '41010' }), BTC, 'exact', ctx))).toEqual(['triggerPrice']);
    try {
      parseTicket(stop('buy', '41000'), BTC, 'exact', ctx);
    } catch (e) {
      expect((e as ValidationError).issues[0]!.message).toContain('last price 42000');
    }
    for (const [side, trigger] of [['buy', '42000.01'], ['sell', '41999.99']] as const) expect(parseTicket(stop(side, trigger), BTC, 'exact', ctx).triggersNow).toBe(false);
    // Unknown last price: nothing to compare against, nothing refused.
    expect(parseTicket(stop('buy', '41000'), BTC, 'exact', { ...ctx, lastTicks: 0 }).triggersNow).toBe(false);
  });

  it('an OCO becomes a take-profit limit and a stop on the same side, each on the grid; sides checked against the last price', () => {
    const sell = parseTicket(t({ type: 'oco', side: 'sell', price: undefined, takeProfit: '43000', stopLoss: '41000' }), BTC, 'exact', ctx);
    expect(sell.bracket).toBeUndefined();
    expect(sell.oco).toEqual([
      { symbol: 'BTC/USDT', side: 'sell', qty: 50_000, type: 'limit', price: 4_300_000 },
      { symbol: 'BTC/USDT', side: 'sell', qty: 50_000, type: 'stop-market', triggerPrice: 4_100_000 },
    ]);
    const withLimit = parseTicket(t({ type: 'oco', side: 'sell', price: undefined, takeProfit: '43000', stopLoss: '41000', stopLossLimit: '40990' }), BTC, 'exact', ctx);
    expect(withLimit.oco![1]).toMatchObject({ type: 'stop-limit', triggerPrice: 4_100_000, price: 4_099_000 });
    // A buy OCO mirrors it: limit below the market, stop above.
    expect(parseTicket(t({ type: 'oco', side: 'buy', price: undefined, takeProfit: '41000', stopLoss: '43000' }), BTC, 'exact', ctx).oco!.map((o) => o.type)).toEqual(['limit', 'stop-market']);
    expect(issuePaths(() => parseTicket(t({ type: 'oco', side: 'sell', price: undefined, takeProfit: '41000', stopLoss: '43000' }), BTC, 'exact', ctx))).toEqual(['takeProfit', 'stopLoss']);
    expect(issuePaths(() => parseTicket(t({ type: 'oco', side: 'sell', takeProfit: '43000', stopLoss: '41000' }), BTC, 'exact', ctx))).toEqual(['price']);
    expect(issuePaths(() => parseTicket(t({ type: 'oco', side: 'sell', price: undefined, takeProfit: '43000' }), BTC, 'exact', ctx))).toEqual(['stopLoss']);
    expect(issuePaths(() => parseTicket(t({ type: 'oco', side: 'sell', price: undefined, takeProfit: '43000.001', stopLoss: '41000' }), BTC, 'exact', ctx))).toEqual(['takeProfit']);
  });

  it('sizes % of equity exactly: the largest lot count whose notional fits the budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 100_000, max: 10_000_000 }), fc.integer({ min: 1, max: 100 }), (eqUnits, priceTicks, pct) => {
        const equity = money(eqUnits);
        fc.pre((equity * BigInt(pct)) / 100n >= notional(BTC, priceTicks, 1));
        const p = parseTicket(t({ qty: undefined, equityPct: String(pct), price: (priceTicks / 100).toFixed(2) }), BTC, 'exact', { lastTicks: 0, equity });
        const lots = p.request.qty;
        const budget = (equity * BigInt(pct)) / 100n;
        expect(notional(BTC, priceTicks, lots) <= budget).toBe(true);
        expect(notional(BTC, priceTicks, lots + 1) > budget).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(issuePaths(() => parseTicket(t({ qty: undefined, equityPct: '101' }), BTC, 'exact', ctx))).toEqual(['equityPct']);
    expect(issuePaths(() => parseTicket(t({ type: 'market', price: undefined, qty: undefined, equityPct: '10' }), BTC, 'exact', { lastTicks: 0, equity: ctx.equity }))).toEqual(['equityPct']);
  });
});
