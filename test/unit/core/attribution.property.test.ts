/**
 * Per-strategy books against the account (core/portfolio/attribution.ts), over random fill sequences on a
 * spot and a perpetual instrument attributed to random strategies and the ticket:
 * - realized + unrealized, fees and positions summed over the books equal the account's exactly;
 * - an account's equity is its cash plus its positions marked (spot: holdings × mark; perpetual: unrealized);
 * - funding split by the books' positions adds up to the account's within a rounding unit per book.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineInstrument, money, notional, type Fill } from '../../../main/core/model/index.ts';
import { Portfolio } from '../../../main/core/portfolio/portfolio.ts';
import { accountFigures, bookOf, StrategyBooks, type Attribution } from '../../../main/core/portfolio/attribution.ts';

const SPOT = defineInstrument({ symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', makerFee: '0.0002', takerFee: '0.0005' });
const PERP = defineInstrument({ symbol: 'ETH/USDT:USDT', venue: 'paper', base: 'ETH', quote: 'USDT', kind: 'perpetual', tickSize: '0.01', lotSize: '0.01', makerFee: '0.0002', takerFee: '0.0005', maxLeverage: 20 });
const INSTS = [SPOT, PERP];

const WHO: Attribution[] = [
  { strategyId: 's1', strategyName: 'fast sma', source: 'strategy' },
  { strategyId: 's2', strategyName: 'breakout', source: 'strategy' },
  { strategyId: null, strategyName: null, source: 'ticket' },
  { strategyId: null, strategyName: null, source: 'hotkey' },
  { strategyId: null, strategyName: null, source: 'system' },
];

const fillArb = fc.record({
  perp: fc.boolean(),
  side: fc.constantFrom('buy' as const, 'sell' as const),
  qty: fc.integer({ min: 1, max: 500 }),
  price: fc.integer({ min: 100_000, max: 9_000_000 }),
  fee: fc.bigInt({ min: 0n, max: 10n ** 18n }),
  who: fc.integer({ min: 0, max: WHO.length - 1 }),
  // Sometimes out of order: the books must agree however fills arrive.
  dt: fc.integer({ min: -5, max: 20 }),
});

describe('per-strategy books', () => {
  it('add up to the account: realized + unrealized, fees, positions exactly; funding within rounding', () => {
    fc.assert(
      fc.property(fc.array(fillArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 100_000, max: 9_000_000 }), fc.integer({ min: 100_000, max: 9_000_000 }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (raw, markS, markP, rate) => {
        const account = new Portfolio({ baseCurrency: 'USDT', cash: { USDT: '10000' } }, INSTS);
        const books = new StrategyBooks(INSTS, 'USDT');
        let ts = 1000;
        raw.forEach((r, i) => {
          ts += r.dt;
          const inst = r.perp ? PERP : SPOT;
          const f: Fill = { venue: 'paper', tradeId: `T${i + 1}`, clientOrderId: `o${i}`, symbol: inst.symbol, side: r.side, qty: r.qty, price: r.price, fee: r.fee, feeCurrency: 'USDT', liquidity: 'taker', ts };
          account.applyFill(f);
          expect(books.add(f, WHO[r.who]!)).toBe(true);
          expect(books.add(f, WHO[r.who]!)).toBe(false); // a duplicate is booked once
        });
        const funding = { symbol: PERP.symbol, ts: ts + 1, rate, markPrice: markP };
        account.applyFunding(funding);
        books.funding(account.fundingEvents());
        for (const [sym, mk] of [[SPOT.symbol, markS / 100], [PERP.symbol, markP / 100]] as const) {
          account.mark(sym, mk);
          books.mark(sym, mk);
        }
        const total = accountFigures(account, 'USDT');
        const rows = books.rows();
        const sum = (k: 'realized' | 'unrealized' | 'fees' | 'funding') => rows.reduce((s, r) => s + r[k], 0n);
        expect(sum('realized') + sum('unrealized')).toBe(total.realized + total.unrealized);
        expect(sum('fees')).toBe(total.fees);
        const fundingGap = sum('funding') - total.funding;
        expect(fundingGap <= BigInt(rows.length) && fundingGap >= -BigInt(rows.length)).toBe(true);
        for (const inst of INSTS) expect(rows.reduce((s, r) => s + (r.positions[inst.symbol] ?? 0), 0)).toBe(account.positionQty(inst.symbol));
        expect(rows.reduce((n, r) => n + r.fills, 0)).toBe(raw.length);

        // Equity = cash + positions marked (spot holdings at the mark; perpetual unrealized).
        const spot = account.position(SPOT.symbol);
        const perp = account.position(PERP.symbol);
        expect(total.equity).toBe(total.cash + notional(SPOT, spot.markPrice, spot.qty) + perp.unrealizedPnl);
      }),
      { numRuns: 200 },
    );
  });

  it('a book per strategy, "manual" for ticket and hotkey orders, named rows for the rest', () => {
    expect(bookOf(WHO[0]!)).toEqual({ key: 'strategy:s1', label: 'fast sma', kind: 'strategy' });
    expect(bookOf(WHO[2]!)).toEqual(bookOf(WHO[3]!));
    expect(bookOf(WHO[2]!).key).toBe('manual');
    expect(bookOf({ strategyId: null, strategyName: null, source: 'strategy' }).key).toBe('strategy:?');
    expect(bookOf({ strategyId: null, strategyName: null, source: null }).key).toBe('other');
  });

  it('a strategy round trip is its own realized P&L even when the ticket trades the same symbol in between', () => {
    const books = new StrategyBooks([SPOT], 'USDT');
    const f = (id: number, side: 'buy' | 'sell', price: number, who: Attribution): void => {
      books.add({ venue: 'paper', tradeId: `T${id}`, clientOrderId: `o${id}`, symbol: SPOT.symbol, side, qty: 1000, price, fee: money('0.1'), feeCurrency: 'USDT', liquidity: 'taker', ts: id }, who);
    };
    f(1, 'buy', 100_000, WHO[0]!); // strategy buys 1 BTC at 1000
    f(2, 'buy', 200_000, WHO[2]!); // the trader buys 1 BTC at 2000
    f(3, 'sell', 150_000, WHO[0]!); // strategy sells at 1500: +500 for it
    books.mark(SPOT.symbol, 1800);
    const [strategy, manual] = books.rows();
    expect(strategy).toMatchObject({ key: 'strategy:s1', realized: money('500'), unrealized: 0n, fees: money('0.2'), positions: {} });
    expect(manual).toMatchObject({ key: 'manual', realized: 0n, unrealized: money('-200'), fees: money('0.1'), positions: { 'BTC/USDT': 1000 } });
  });
});
