/**
 * A blank price or quantity in a venue reply is malformed, never a zero: `Number(' ')` is 0, which read a
 * whitespace amount as an empty order, a blank position size as flat and a blank fee as free.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError, VenueNetworkError } from '../../../main/core/errors.ts';
import { numberFromText, requireNumber } from '../../../main/core/model/index.ts';
import { orderReport, tradeReport } from '../../../main/venues/ccxt/index.ts';

const order = { id: '7', symbol: 'BTC/USDT', side: 'buy', status: 'open', amount: 1, filled: 0, price: 100 };
const trade = { id: 't1', order: '7', symbol: 'BTC/USDT', side: 'buy', amount: 1, price: 100, fee: { cost: 0.1, currency: 'USDT' } };

describe('numberFromText', () => {
  it('reads numbers and decimal text', () => {
    expect(numberFromText(12.5)).toBe(12.5);
    expect(numberFromText('12.5')).toBe(12.5);
    expect(numberFromText('-0.001')).toBe(-0.001);
    expect(numberFromText('1e-8')).toBe(1e-8);
    expect(numberFromText('.5')).toBe(0.5);
  });

  it.each(['', ' ', '\t', '\n', ' 1', '1 ', '0x10', 'Infinity', 'NaN', '1,5', '.'])('refuses %j (Number() reads several as 0 or a value)', (s) => {
    expect(numberFromText(s)).toBeNaN();
    expect(() => requireNumber(s, 'price')).toThrow(ValidationError);
  });

  it('refuses null, booleans and non-finite numbers (Number(null) and Number(false) are 0)', () => {
    for (const x of [null, undefined, false, true, Number.POSITIVE_INFINITY, Number.NaN, {}, []]) expect(numberFromText(x)).toBeNaN();
  });
});

describe('ccxt replies with blank numbers', () => {
  it.each([['amount', ' '], ['filled', ' '], ['price', ' '], ['amount', ''], ['triggerPrice', '\t']])('an order with %s %j is malformed (a typed, unknown-outcome error)', (field, value) => {
    let err: unknown;
    try {
      orderReport({ ...order, [field]: value }, undefined, 'binance', undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VenueNetworkError);
    expect((err as VenueNetworkError).details).toMatchObject({ kind: 'BadResponse', outcome: 'unknown' });
  });

  it.each([['price', ' '], ['amount', ' ']])('a trade with %s %j is malformed', (field, value) => {
    expect(() => tradeReport({ ...trade, [field]: value }, undefined, 'binance')).toThrow(VenueNetworkError);
  });

  it('a trade with a blank fee is malformed, not free', () => {
    expect(() => tradeReport({ ...trade, fee: { cost: ' ', currency: 'USDT' } }, undefined, 'binance')).toThrow(VenueNetworkError);
  });

  it('absent optional fields stay absent, and decimal text is read', () => {
    const r = orderReport({ ...order, price: undefined, filled: '0.5', amount: '1.5' }, undefined, 'binance', undefined);
    expect(r).toMatchObject({ price: undefined, filled: 0.5, amount: 1.5 });
    expect(tradeReport({ ...trade, fee: undefined, price: '101.5' }, undefined, 'binance')).toMatchObject({ fee: 0, price: 101.5 });
  });
});

describe('Kestrel Sim request parameters', () => {
  it('a blank startTime of the funding history is refused (-1100), not read as 0', async () => {
    const { handleFuturesPublic } = await import('../../../main/venues/mock-exchange/futures-public.ts');
    const { generatedSymbols } = await import('../../../main/venues/mock-exchange/index.ts');
    const s = generatedSymbols({ symbols: ['BTC/USDT'], days: 0.01, seed: 3 })[0]!;
    const symbols = new Map([[s.id, s]]);
    const ask = (q: string) => handleFuturesPublic('/fapi/v1/fundingRate', new URLSearchParams(q), symbols, () => 100, Date.UTC(2026, 0, 2));
    expect(ask(`symbol=${s.id}&startTime=%20`)).toMatchObject({ status: 400, body: { code: -1100 } });
    expect(ask(`symbol=${s.id}&limit=%20%20`)).toMatchObject({ status: 400, body: { code: -1100 } });
    expect(ask(`symbol=${s.id}&startTime=0`)?.status).toBe(200);
  });
});
