/**
 * Kestrel Sim's matching engine on a hand-made book: exact balances and fees, partial fills across levels,
 * time-in-force, LIMIT_MAKER, buys by quote amount, trade-through fills capped by the candle's volume,
 * one-way futures positions with exact realized P&L, reduce-only, Algo orders triggering, and the event
 * sequence a user stream is built from.
 */
import { describe, expect, it } from 'vitest';
import { money, moneyToString, type Money } from '../../../main/core/model/money.ts';
import { SimEngine, type BookView, type SimEvent } from '../../../main/venues/mock-exchange/sim-engine.ts';

const m = (s: string) => money(s);
const str = (x: Money) => moneyToString(x);

function engine(book: { bids: [string, string][]; asks: [string, string][] }, opts: ConstructorParameters<typeof SimEngine>[1] = {}) {
  let t = 1_000;
  const view: BookView = { bids: book.bids.map(([p, q]) => [m(p), m(q)] as const), asks: book.asks.map(([p, q]) => [m(p), m(q)] as const), last: m('100') };
  const e = new SimEngine({
    now: () => t++,
    symbols: () => ['XUSDT'],
    spec: (id) => (id === 'XUSDT' ? { id, base: 'X', quote: 'USDT', tick: m('0.01'), step: m('0.001'), minNotional: m('5') } : undefined),
    book: (id) => (id === 'XUSDT' ? view : undefined),
  }, opts);
  const events: SimEvent[] = [];
  e.on((ev) => events.push(ev));
  const a = e.account('acct');
  a.balance('USDT').free = m('1000');
  a.balance('X').free = m('2');
  a.futuresWallet = m('1000');
  return { e, a, events };
}

const BOOK = { bids: [['99.99', '1'], ['99.98', '2']] as [string, string][], asks: [['100.01', '1'], ['100.02', '2'], ['100.05', '5']] as [string, string][] };

describe('spot', () => {
  it('a market buy walks the asks level by level; cost, fee (in base) and balances are exact', () => {
    const { e, a, events } = engine(BOOK);
    const o = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quantity: m('2.5') });
    if ('code' in o) throw new Error(o.msg);
    expect([o.status, str(o.executedQty), str(o.cumQuote)]).toEqual(['FILLED', '2.5', '250.04']);
    expect(a.trades.map((t) => [str(t.price), str(t.qty), str(t.commission), t.commissionAsset])).toEqual([['100.01', '1', '0.001', 'X'], ['100.02', '1.5', '0.0015', 'X']]);
    expect([str(a.balance('USDT').free), str(a.balance('USDT').locked), str(a.balance('X').free)]).toEqual(['749.96', '0', '4.4975']);
    expect(events.filter((x) => x.kind === 'order').map((x) => x.kind === 'order' && `${x.exec}:${x.order.status}`)).toEqual(['NEW:NEW', 'TRADE:PARTIALLY_FILLED', 'TRADE:FILLED']);
  });

  it('a buy by quote amount spends at most that amount in whole lots', () => {
    const { e, a } = engine(BOOK);
    const o = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quoteOrderQty: m('150') });
    if ('code' in o) throw new Error(o.msg);
    expect([o.status, str(o.executedQty), str(o.cumQuote)]).toEqual(['FILLED', '1.499', '149.91998']);
    expect(str(a.balance('USDT').free)).toBe('850.08002');
    expect(str(a.balance('USDT').locked)).toBe('0');
  });

  it('a crossing limit takes up to its price and rests the rest, locking exactly the rest at its price', () => {
    const { e, a } = engine(BOOK);
    const o = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('4'), price: m('100.02') });
    if ('code' in o) throw new Error(o.msg);
    expect([o.status, str(o.executedQty)]).toEqual(['PARTIALLY_FILLED', '3']);
    expect(str(a.balance('USDT').locked)).toBe('100.02');
    e.cancel('acct', 'spot', 'XUSDT', { clientOrderId: o.clientOrderId });
    expect([o.status, str(a.balance('USDT').locked), str(a.balance('USDT').free)]).toEqual(['CANCELED', '0', str(m('1000') - m('300.05'))]);
  });

  it('IOC expires the rest, FOK expires whole when the book cannot fill it, LIMIT_MAKER is refused when it would take', () => {
    const { e, a } = engine(BOOK);
    const ioc = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'IOC', quantity: m('1.5'), price: m('99.99') });
    expect('code' in ioc ? ioc : [ioc.status, str(ioc.executedQty)]).toEqual(['EXPIRED', '1']);
    const fok = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'LIMIT', timeInForce: 'FOK', quantity: m('0.9'), price: m('100') });
    expect('code' in fok ? fok : [fok.status, str(fok.executedQty)]).toEqual(['EXPIRED', '0']);
    expect(str(a.balance('X').locked)).toBe('0');
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: m('0.1'), price: m('100.01') })).toMatchObject({ code: -2010, msg: 'Order would immediately match and take.' });
  });

  it('refusals change nothing: balance (-2010), lot and tick grids (-1013), notional, duplicate open client id', () => {
    const { e, a } = engine(BOOK);
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'MARKET', quantity: m('3') })).toMatchObject({ code: -2010 });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('0.0001'), price: m('90') })).toMatchObject({ code: -1013, msg: 'Filter failure: LOT_SIZE' });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('1'), price: m('90.001') })).toMatchObject({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('0.01'), price: m('90') })).toMatchObject({ code: -1013, msg: 'Filter failure: NOTIONAL' });
    e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('1'), price: m('90'), clientOrderId: 'c1' });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('1'), price: m('90'), clientOrderId: 'c1' })).toMatchObject({ code: -2010, msg: 'Duplicate order sent.' });
    expect([str(a.balance('X').free), str(a.balance('USDT').free), a.orders.size]).toEqual(['2', '910', 1]);
  });

  it('a resting order fills at its price only when a candle trades through it, at most a quarter of the candle volume each time', () => {
    const { e, a } = engine(BOOK);
    const o = e.place('acct', 'spot', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('3'), price: m('99') });
    if ('code' in o) throw new Error(o.msg);
    e.onCandle('XUSDT', m('99'), m('101'), m('100'));
    expect(o.status).toBe('NEW');
    e.onCandle('XUSDT', m('98.99'), m('101'), m('8'));
    expect([o.status, str(o.executedQty)]).toEqual(['PARTIALLY_FILLED', '2']);
    e.onCandle('XUSDT', m('98'), m('101'), m('100'));
    expect([o.status, str(o.executedQty), a.trades.every((t) => t.maker && str(t.price) === '99')]).toEqual(['FILLED', '3', true]);
    expect(str(a.balance('USDT').locked)).toBe('0');
  });
});

describe('USDⓈ-M futures', () => {
  it('opens, adds (average entry), reduces with exact realized P&L and fees, flips through zero', () => {
    const { e, a } = engine(BOOK);
    e.place('acct', 'futures', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quantity: m('1') });
    e.place('acct', 'futures', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quantity: m('1') });
    const p = a.position('XUSDT');
    expect([str(p.amt), str(p.entry)]).toEqual(['2', '100.01']);
    e.place('acct', 'futures', { symbol: 'XUSDT', side: 'SELL', type: 'MARKET', quantity: m('3') });
    // 1 @ 99.99 and 1 @ 99.98 close the long (−0.02 − 0.03), 1 @ 99.98 opens a short.
    expect([str(p.amt), str(p.entry)]).toEqual(['-1', '99.98']);
    const realized = a.trades.reduce((s, t) => s + t.realizedPnl, 0n);
    const fees = a.trades.reduce((s, t) => s + t.commission, 0n);
    expect(str(realized)).toBe('-0.05');
    expect(str(a.futuresWallet)).toBe(str(m('1000') + realized - fees));
  });

  it('reduce-only: refused without a position to reduce (-2022), clipped to the position when larger', () => {
    const { e, a } = engine(BOOK);
    expect(e.place('acct', 'futures', { symbol: 'XUSDT', side: 'SELL', type: 'MARKET', quantity: m('1'), reduceOnly: true })).toMatchObject({ code: -2022 });
    e.place('acct', 'futures', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quantity: m('0.5') });
    const o = e.place('acct', 'futures', { symbol: 'XUSDT', side: 'SELL', type: 'MARKET', quantity: m('2'), reduceOnly: true });
    expect('code' in o ? o : [o.status, str(o.executedQty)]).toEqual(['FILLED', '0.5']);
    expect(str(a.position('XUSDT').amt)).toBe('0');
  });

  it('margin beyond the wallet is -2019; conditional types on the order endpoint are -4120 unless legacy', () => {
    const { e } = engine(BOOK);
    expect(e.place('acct', 'futures', { symbol: 'XUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: m('300'), price: m('90') })).toMatchObject({ code: -2019 });
    expect(e.place('acct', 'futures', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_MARKET', stopPrice: m('90'), closePosition: true })).toMatchObject({ code: -4120 });
    const legacy = engine(BOOK, { legacyConditionalOrders: true }).e;
    expect(legacy.place('acct', 'futures', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_MARKET', stopPrice: m('90'), closePosition: true })).toMatchObject({ status: 'NEW', type: 'STOP_MARKET' });
  });

  it('an Algo stop triggers on the candle that reaches it, places a reduce-only market order under its client id, and finishes', () => {
    const { e, a, events } = engine(BOOK);
    e.place('acct', 'futures', { symbol: 'XUSDT', side: 'BUY', type: 'MARKET', quantity: m('1') });
    expect(e.placeAlgo('acct', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: m('100.5'), closePosition: true })).toMatchObject({ code: -2021 });
    const al = e.placeAlgo('acct', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_MARKET', triggerPrice: m('95'), closePosition: true, clientAlgoId: 'sl-1' });
    if ('code' in al) throw new Error(al.msg);
    e.onCandle('XUSDT', m('95.01'), m('101'), m('10'));
    expect(al.status).toBe('NEW');
    e.onCandle('XUSDT', m('94'), m('101'), m('10'));
    expect(al.status).toBe('FINISHED');
    const triggered = a.orders.get(al.actualOrderId!)!;
    expect([triggered.clientOrderId, triggered.reduceOnly, triggered.status]).toEqual(['sl-1', true, 'FILLED']);
    expect(str(a.position('XUSDT').amt)).toBe('0');
    expect(events.filter((x) => x.kind === 'algo').map((x) => x.kind === 'algo' && x.algo.status)).toEqual(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED']);
  });
});
