/**
 * Kestrel Sim's spot stop-limit orders against Binance spot's rules: STOP_LOSS_LIMIT and TAKE_PROFIT_LIMIT
 * lock their funds at once, wait (not working) until the last trade price reaches the stop, then work as a
 * limit — taking what crosses, resting the rest; refusals carry Binance's codes and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { money, moneyToString, type Money } from '../../../main/core/model/money.ts';
import { SimEngine, type BookView } from '../../../main/venues/mock-exchange/sim-engine.ts';
import { spotOrder } from '../../../main/venues/mock-exchange/private-wire.ts';

const m = (s: string) => money(s);
const str = (x: Money) => moneyToString(x);

function engine() {
  let t = 1_000;
  const view: { bids: (readonly [Money, Money])[]; asks: (readonly [Money, Money])[]; last: Money } = {
    bids: [[m('99.99'), m('1')], [m('99.98'), m('2')]],
    asks: [[m('100.01'), m('1')], [m('100.02'), m('2')]],
    last: m('100'),
  };
  const e = new SimEngine({
    now: () => t++,
    symbols: () => ['XUSDT'],
    spec: (id) => (id === 'XUSDT' ? { id, base: 'X', quote: 'USDT', tick: m('0.01'), step: m('0.001'), minNotional: m('5') } : undefined),
    book: (id) => (id === 'XUSDT' ? (view as BookView) : undefined),
  });
  const a = e.account('acct');
  a.balance('USDT').free = m('1000');
  a.balance('X').free = m('2');
  /** The market moves: the book shifts so its mid is `mid`, and a candle of [low, high] prints. */
  const move = (mid: string, low: string, high: string) => {
    const d = m(mid) - m('100');
    view.bids = [[m('99.99') + d, m('1')], [m('99.98') + d, m('2')]];
    view.asks = [[m('100.01') + d, m('1')], [m('100.02') + d, m('2')]];
    view.last = m(mid);
    e.onCandle('XUSDT', m(low), m(high), m('100'));
  };
  return { e, a, move };
}

const place = (e: SimEngine, r: Partial<Parameters<SimEngine['place']>[2]>) => e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_LOSS_LIMIT', timeInForce: 'GTC', quantity: m('1'), ...r });

describe('Kestrel Sim spot stop-limit orders', () => {
  it('a STOP_LOSS_LIMIT sell locks its base at once, waits while prints stay above the stop, fires when the last price reaches it and takes what crosses its limit', () => {
    const { e, a, move } = engine();
    const o = place(e, { price: m('98.5'), stopPrice: m('99') });
    if ('code' in o) throw new Error(o.msg);
    expect([o.status, o.workingTime, str(a.balance('X').locked), str(a.balance('X').free)]).toEqual(['NEW', -1, '1', '1']);
    expect(spotOrder(o)).toMatchObject({ type: 'STOP_LOSS_LIMIT', isWorking: false, stopPrice: '99.00000000', price: '98.50000000' });
    move('99.5', '99.01', '100');
    expect([o.status, o.workingTime]).toEqual(['NEW', -1]);
    move('99', '99', '99.5'); // at the stop: fires (the bids, shifted to 98.99 / 98.98, are above its limit)
    expect(o.workingTime).toBeGreaterThan(0);
    expect(spotOrder(o)).toMatchObject({ isWorking: true });
    expect([o.status, str(o.executedQty), str(o.cumQuote)]).toEqual(['FILLED', '1', '98.99']);
    expect([str(a.balance('X').locked), str(a.balance('X').free)]).toEqual(['0', '1']);
    expect(a.trades.map((t) => [str(t.price), t.maker])).toEqual([['98.99', false]]);
  });

  it('a fired stop whose limit does not cross rests, then fills at its price as maker when prints trade through it', () => {
    const { e, move } = engine();
    const o = place(e, { price: m('98'), stopPrice: m('99') });
    if ('code' in o) throw new Error(o.msg);
    move('97.5', '97.5', '99.2'); // a gap through the stop: fires, but the bids (97.49 / 97.48) are under its limit of 98
    expect([o.status, str(o.executedQty), o.workingTime > 0]).toEqual(['NEW', '0', true]);
    move('97.8', '97.5', '98'); // at its price, not through: no fill
    expect(str(o.executedQty)).toBe('0');
    move('97.9', '97.6', '98.1');
    expect([o.status, str(o.executedQty), str(o.cumQuote)]).toEqual(['FILLED', '1', '98']);
  });

  it('TAKE_PROFIT_LIMIT fires the other way: a sell when prints rise to the stop, a buy when they fall to it; a buy locks price × quantity of the quote', () => {
    const { e, a, move } = engine();
    const tp = place(e, { type: 'TAKE_PROFIT_LIMIT', price: m('101'), stopPrice: m('101.5') });
    const buy = place(e, { type: 'TAKE_PROFIT_LIMIT', side: 'BUY', price: m('98.6'), stopPrice: m('98.5') });
    if ('code' in tp || 'code' in buy) throw new Error('refused');
    expect(str(a.balance('USDT').locked)).toBe('98.6');
    move('100.5', '99', '101.4'); // neither reached
    expect([tp.workingTime, buy.workingTime]).toEqual([-1, -1]);
    move('101.5', '100.9', '101.5'); // the sell's stop: bids 101.49 / 101.48 cross its 101 limit
    expect([tp.status, str(tp.cumQuote)]).toEqual(['FILLED', '101.49']);
    expect(buy.workingTime).toBe(-1);
    move('98.5', '98.5', '101'); // the buy's stop: asks 98.51 / 98.52 cross its 98.6 limit
    expect([buy.status, str(buy.cumQuote)]).toEqual(['FILLED', '98.51']);
    expect(str(a.balance('USDT').locked)).toBe('0');
  });

  it('a stop the last price has already reached is refused: -2010 "Stop price would trigger immediately.", for each side and type', () => {
    const { e, a } = engine(); // last trade 100
    const cases = [
      { type: 'STOP_LOSS_LIMIT', side: 'SELL', stopPrice: m('100'), price: m('99') },
      { type: 'STOP_LOSS_LIMIT', side: 'BUY', stopPrice: m('99.9'), price: m('100') },
      { type: 'TAKE_PROFIT_LIMIT', side: 'SELL', stopPrice: m('99.9'), price: m('99.8') },
      { type: 'TAKE_PROFIT_LIMIT', side: 'BUY', stopPrice: m('100.1'), price: m('100.1') },
    ] as const;
    for (const c of cases) expect(place(e, c)).toEqual({ status: 400, code: -2010, msg: 'Stop price would trigger immediately.' });
    expect([str(a.balance('X').locked), str(a.balance('USDT').locked), a.orders.size]).toEqual(['0', '0', 0]);
  });

  it('malformed stop orders carry Binance’s codes: missing stopPrice / price / timeInForce (-1102), stopPrice on a plain limit (-1106), the market forms (-1116), stop off the tick (-1013)', () => {
    const { e, a } = engine();
    expect(place(e, { price: m('98') })).toMatchObject({ code: -1102, msg: "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed." });
    expect(place(e, { stopPrice: m('99') })).toMatchObject({ code: -1102, msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed." });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_LOSS_LIMIT', quantity: m('1'), price: m('98'), stopPrice: m('99') })).toMatchObject({ code: -1102, msg: "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed." });
    expect(place(e, { type: 'LIMIT', price: m('101'), stopPrice: m('99') })).toMatchObject({ code: -1106, msg: "Parameter 'stopPrice' sent when not required." });
    expect(e.place('acct', 'spot', { symbol: 'XUSDT', side: 'SELL', type: 'STOP_LOSS', quantity: m('1'), stopPrice: m('99') })).toMatchObject({ code: -1116, msg: 'Invalid orderType.' });
    expect(place(e, { price: m('98'), stopPrice: m('99.001') })).toMatchObject({ code: -1013, msg: 'Filter failure: PRICE_FILTER' });
    expect(place(e, { quantity: m('3'), price: m('98'), stopPrice: m('99') })).toMatchObject({ code: -2010, msg: 'Account has insufficient balance for requested action.' });
    expect([str(a.balance('X').locked), a.orders.size]).toEqual(['0', 0]);
  });

  it('canceling a waiting stop releases what it locked; it never fires afterwards', () => {
    const { e, a, move } = engine();
    const o = place(e, { price: m('98'), stopPrice: m('99') });
    if ('code' in o) throw new Error(o.msg);
    expect(e.cancel('acct', 'spot', 'XUSDT', { clientOrderId: o.clientOrderId })).toBe(o);
    expect([o.status, str(a.balance('X').locked), str(a.balance('X').free)]).toEqual(['CANCELED', '0', '2']);
    move('97', '96', '99');
    expect([o.status, a.trades.length]).toEqual(['CANCELED', 0]);
  });
});
