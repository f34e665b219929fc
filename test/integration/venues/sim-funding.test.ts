/**
 * Kestrel Sim serves funding in Binance's USDⓈ-M format, and ccxt's real binanceusdm class parses it:
 * premiumIndex (lastFundingRate, nextFundingTime, markPrice) through fetchFundingRate, /fapi/v1/fundingRate
 * through fetchFundingRateHistory — each record at an 8-hour funding time, with its rate worked out by hand
 * from the sim's own candles (1 bp + 1/20 of the interval's price change, capped at ±0.75 %).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFundingHistory, fetchFundingNow, type CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { FUNDING_INTERVAL_MS } from '../../../main/venues/mock-exchange/funding.ts';
import { generatedSymbols, startMockExchange, type MockExchange, type MockSymbol } from '../../../main/venues/mock-exchange/index.ts';
import { simVenue } from '../../support/sim-private.ts';

const BTC = 'BTC/USDT:USDT';
const END = Date.UTC(2024, 6, 1);
let mock: MockExchange;
let venue: CcxtVenue;
let btc: MockSymbol;

beforeAll(async () => {
  const symbols = generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 2, end: END });
  btc = symbols[0]!;
  mock = await startMockExchange({ symbols, streamIntervalMs: 5, seed: 5 });
  venue = simVenue(mock, mock.private.createKey({ futures: '1000' }), 'futures');
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

/** The close of the 1m candle starting at `t`, read straight from the sim's candles. */
const closeAt = (t: number): number => btc.candles.close[btc.candles.ts.indexOf(t)]!;

describe('funding rates through ccxt binanceusdm', () => {
  it('history: one record per 8h funding time of the stored data, each rate = 1 bp + change/20 and the mark = that minute\'s close', async () => {
    const since = END - 2 * 86_400_000;
    const h = await fetchFundingHistory(venue, BTC, since, END);
    // 2 days of candles [END−2d, END): funding times END−2d … END−8h (END itself has no candle yet, the data ends before it)
    expect(h.map((r) => r.ts)).toEqual([0, 1, 2, 3, 4, 5].map((k) => since + k * FUNDING_INTERVAL_MS).filter((t) => t < END));
    const second = h[1]!;
    const start = closeAt(second.ts - FUNDING_INTERVAL_MS);
    const end = closeAt(second.ts);
    const expected = Math.min(0.0075, Math.max(-0.0075, 0.0001 + (end - start) / start / 20));
    expect(second.rate).toBe(expected.toFixed(8));
    expect(second.markPrice).toBe(end);
    // The raw ccxt call agrees (the unified structure carries the rate as a number).
    const raw = (await (venue.ex as unknown as { fetchFundingRateHistory(s: string, since: number, limit: number): Promise<{ fundingRate: number; timestamp: number; symbol: string }[]> }).fetchFundingRateHistory(BTC, since, 3));
    expect(raw.map((r) => [r.symbol, r.timestamp, r.fundingRate])).toEqual(h.slice(0, 3).map((r) => [BTC, r.ts, Number(r.rate)]));
  });

  it('history pages: a limit cuts it, a start after the data gives nothing, a bad number is refused by the venue', async () => {
    const since = END - 2 * 86_400_000;
    expect((await fetchFundingHistory(venue, BTC, since, END, 2)).length).toBe(2);
    expect(await fetchFundingHistory(venue, BTC, END + 86_400_000, END + 2 * 86_400_000)).toEqual([]);
    const bad = await fetch(`${mock.baseUrl}/fapi/v1/fundingRate?symbol=BTCUSDT&limit=abc`);
    expect([bad.status, ((await bad.json()) as { code: number }).code]).toEqual([400, -1100]);
  });

  it('current rate: the next funding time is the next 8h boundary after the sim\'s clock and the mark is a positive price', async () => {
    const now = await fetchFundingNow(venue, BTC);
    const t = mock.now();
    expect(now.nextFundingTime).toBe(Math.floor(t / FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS + FUNDING_INTERVAL_MS);
    expect(Number(now.rate)).toBeGreaterThanOrEqual(-0.0075);
    expect(Number(now.rate)).toBeLessThanOrEqual(0.0075);
    expect(now.rate).toMatch(/^-?0\.\d{8}$/);
    expect(now.markPrice).toBeGreaterThan(0);
  });
});
