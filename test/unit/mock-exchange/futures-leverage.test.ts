/**
 * Kestrel Sim's USDⓈ-M leverage endpoints in Binance's formats, on a hand-made book: the leverage brackets
 * (several tiers, `cum` joining them), POST /fapi/v1/leverage (-4028 beyond the first tier, -2027 when the
 * position would not fit the new leverage's tier), POST /fapi/v1/marginType (-4046 / -4048 / -4047), the
 * order-time -2027 and the markPriceUpdate event.
 */
import { describe, expect, it } from 'vitest';
import { money } from '../../../main/core/model/money.ts';
import { bracketsOf, maxNotionalAt } from '../../../main/venues/mock-exchange/futures-brackets.ts';
import { markPriceEvent } from '../../../main/venues/mock-exchange/futures-public.ts';
import { generatedSymbols } from '../../../main/venues/mock-exchange/index.ts';
import { handlePrivate } from '../../../main/venues/mock-exchange/private-rest.ts';
import type { SimKey } from '../../../main/venues/mock-exchange/signing.ts';
import { SimEngine, type BookView } from '../../../main/venues/mock-exchange/sim-engine.ts';

const m = (s: string) => money(s);
const KEY: SimKey = { apiKey: 'k', secret: 's', account: 'acct', createTime: 0, enableWithdrawals: false, ipRestrict: true, enableSpotAndMarginTrading: true, enableFutures: true, enableReading: true };

function sim() {
  const book: BookView = { bids: [[m('99.99'), m('100000')]], asks: [[m('100.01'), m('100000')]], last: m('100') };
  const engine = new SimEngine({
    now: () => 1_000,
    symbols: () => ['BTCUSDT', 'SOLUSDT'],
    spec: (id) => ({ id, base: id.replace('USDT', ''), quote: 'USDT', tick: m('0.01'), step: m('0.001'), minNotional: m('5') }),
    book: () => book,
  });
  engine.account('acct').futuresWallet = m('1000000');
  const call = (method: string, path: string, params: Record<string, string> = {}) =>
    handlePrivate(method, path, new URLSearchParams(params), KEY, { engine, now: 1_000, mark: (s) => (s === 'BTCUSDT' || s === 'SOLUSDT' ? m('100') : undefined) });
  return { engine, call };
}

describe('GET /fapi/v1/leverageBracket', () => {
  it('lists several tiers per symbol; each floor is the previous cap and cum joins the maintenance margin without a jump', () => {
    const { call } = sim();
    const one = call('GET', '/fapi/v1/leverageBracket', { symbol: 'BTCUSDT' });
    expect(one.status).toBe(200);
    const b = (one.body as { symbol: string; brackets: { bracket: number; initialLeverage: number; notionalCap: number; notionalFloor: number; maintMarginRatio: number; cum: number }[] });
    expect(b.symbol).toBe('BTCUSDT');
    expect(b.brackets.length).toBeGreaterThan(5);
    expect(b.brackets[0]).toEqual({ bracket: 1, initialLeverage: 125, notionalCap: 50_000, notionalFloor: 0, maintMarginRatio: 0.004, cum: 0 });
    // Tier 2 starts where tier 1 ends: 50 000 × (0.005 − 0.004) = 50.
    expect(b.brackets[1]).toMatchObject({ bracket: 2, initialLeverage: 100, notionalFloor: 50_000, maintMarginRatio: 0.005, cum: 50 });
    for (let k = 1; k < b.brackets.length; k++) {
      const [lo, hi] = [b.brackets[k - 1]!, b.brackets[k]!];
      expect(hi.notionalFloor).toBe(lo.notionalCap);
      expect(hi.initialLeverage).toBeLessThan(lo.initialLeverage);
      // At the boundary both tiers give the same maintenance margin.
      expect(hi.notionalFloor * hi.maintMarginRatio - hi.cum).toBeCloseTo(lo.notionalCap * lo.maintMarginRatio - lo.cum, 6);
    }
    const all = call('GET', '/fapi/v1/leverageBracket');
    expect((all.body as { symbol: string }[]).map((x) => x.symbol)).toEqual(['BTCUSDT', 'SOLUSDT']);
    expect(call('GET', '/fapi/v1/leverageBracket', { symbol: 'NOPEUSDT' }).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    expect(bracketsOf('SOLUSDT')[0]!.initialLeverage).toBe(75);
  });
});

describe('POST /fapi/v1/leverage', () => {
  it('sets the leverage and answers the notional it allows; beyond the first tier is -4028', () => {
    const { call, engine } = sim();
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: '50' }).body).toEqual({ leverage: 50, maxNotionalValue: '12000000', symbol: 'BTCUSDT' });
    expect(engine.account('acct').position('BTCUSDT').leverage).toBe(50);
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'SOLUSDT', leverage: '100' }).body).toEqual({ code: -4028, msg: 'Leverage 100 is not valid' });
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: '0' }).body).toMatchObject({ code: -4028 });
  });

  it('refuses a leverage whose tier cannot hold the position plus its open orders (-2027), and keeps the old one', () => {
    const { call, engine } = sim();
    // 1 000 BTC-lots at 100: a 100 000 notional long (tier 2, up to 100×).
    expect(engine.place('acct', 'futures', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: m('1000') })).toMatchObject({ status: 'FILLED' });
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: '125' }).body).toEqual({ code: -2027, msg: 'Exceeded the maximum allowable position at current leverage.' });
    expect(engine.account('acct').position('BTCUSDT').leverage).toBe(20);
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: '100' }).status).toBe(200);
  });

  it('an order that would take the position past its tier is -2027, before the margin check', () => {
    const { call, engine } = sim();
    expect(call('POST', '/fapi/v1/leverage', { symbol: 'SOLUSDT', leverage: '75' }).status).toBe(200);
    // 75× allows 5 000 of notional: 49 at 100 fit, a resting buy of 2 more does not.
    expect(engine.place('acct', 'futures', { symbol: 'SOLUSDT', side: 'BUY', type: 'MARKET', quantity: m('49') })).toMatchObject({ status: 'FILLED' });
    expect(engine.place('acct', 'futures', { symbol: 'SOLUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: m('90'), quantity: m('2') })).toMatchObject({ code: -2027 });
    // Reducing is always allowed.
    expect(engine.place('acct', 'futures', { symbol: 'SOLUSDT', side: 'SELL', type: 'MARKET', quantity: m('10') })).toMatchObject({ status: 'FILLED' });
    expect(maxNotionalAt('SOLUSDT', 75)).toBe(m('5000'));
  });
});

describe('POST /fapi/v1/marginType', () => {
  it('switches between CROSSED and ISOLATED only when flat with no open order, in Binance\'s words', () => {
    const { call, engine } = sim();
    expect(call('POST', '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'CROSSED' }).body).toEqual({ code: -4046, msg: 'No need to change margin type.' });
    expect(call('POST', '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'ISOLATED' }).body).toEqual({ code: 200, msg: 'success' });
    const risk = call('GET', '/fapi/v2/positionRisk', { symbol: 'BTCUSDT' }).body as { marginType: string; maxNotionalValue: string }[];
    expect(risk[0]).toMatchObject({ marginType: 'isolated', maxNotionalValue: '100000000' });
    expect(call('POST', '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'BOTH' }).body).toMatchObject({ code: -1100 });
    engine.place('acct', 'futures', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', price: m('90'), quantity: m('1') });
    expect(call('POST', '/fapi/v1/marginType', { symbol: 'BTCUSDT', marginType: 'CROSSED' }).body).toEqual({ code: -4047, msg: 'Margin type cannot be changed if there exists open orders.' });
    engine.place('acct', 'futures', { symbol: 'SOLUSDT', side: 'SELL', type: 'MARKET', quantity: m('1') });
    expect(call('POST', '/fapi/v1/marginType', { symbol: 'SOLUSDT', marginType: 'ISOLATED' }).body).toEqual({ code: -4048, msg: 'Margin type cannot be changed if there exists position.' });
  });
});

describe('mark price stream', () => {
  it('a markPriceUpdate carries the mark, index, settle price, funding rate and next funding time', () => {
    const s = generatedSymbols({ symbols: ['BTC/USDT'], days: 1 })[0]!;
    const e = markPriceEvent(s, 43_210.5, 1_700_000_000_000);
    expect(Object.keys(e)).toEqual(['e', 'E', 's', 'p', 'i', 'P', 'r', 'T']);
    expect(e).toMatchObject({ e: 'markPriceUpdate', E: 1_700_000_000_000, s: 'BTCUSDT', i: e.p, P: e.p, T: 1_700_006_400_000 });
    expect(Number(e.p)).toBe(43_210.5);
    expect(e.r).toMatch(/^-?\d+\.\d+$/);
  });
});
