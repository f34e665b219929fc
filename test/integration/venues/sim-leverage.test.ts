/**
 * A perpetual account's leverage, margin mode, brackets and mark at Kestrel Sim through ccxt's real binanceusdm
 * class and the product's module (main/venues/ccxt/leverage.ts): the signed brackets arrive as several tiers,
 * a refusal keeps the venue's code and words, the mark matches premiumIndex and the markPrice stream. A keyless
 * client (a paper account) reads the same brackets from the sim's market info, and the mark through the wrapper's stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VenueRejectedError } from '../../../main/core/errors.ts';
import { CcxtVenue, fetchPublicTiers, fetchVenueMargins, fetchVenueMark, fetchVenueTiers, openStream, setVenueLeverage, setVenueMarginMode, type MarkUpdate, type StreamStatus } from '../../../main/venues/ccxt/index.ts';
import { isolatedCollateral, liquidationPrice, maintenanceMargin } from '../../../main/core/margin/margin.ts';
import { maxNotionalAt } from '../../../main/core/margin/leverage.ts';
import { defineInstrument, money } from '../../../main/core/model/index.ts';
import { venueInstrumentSpecs } from '../../../main/host/trading/instruments.ts';
import { generatedSymbols, SimClock, startMockExchange, type MockExchange, type SimKey } from '../../../main/venues/mock-exchange/index.ts';
import { ccxtOf, simVenue, type Ccxt } from '../../support/sim-private.ts';

const BTC = 'BTC/USDT:USDT';
const ETH = 'ETH/USDT:USDT';
let mock: MockExchange;
let key: SimKey;
let venue: CcxtVenue;
let ex: Ccxt;

beforeAll(async () => {
  mock = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT', 'ETH/USDT'], days: 2 }), streamIntervalMs: 5, seed: 7 });
  key = mock.private.createKey({ futures: '100000' });
  venue = simVenue(mock, key, 'futures');
  ex = ccxtOf(venue);
  await venue.prepareStreams();
});
afterAll(async () => {
  await venue.close();
  await mock.close();
});

async function refusal(p: Promise<unknown>): Promise<VenueRejectedError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VenueRejectedError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('leverage and margin mode at the venue (ccxt binanceusdm → Kestrel Sim)', () => {
  it('the signed brackets arrive as several tiers per symbol, the leverage shrinking as the cap grows', async () => {
    const tiers = await fetchVenueTiers(venue, [BTC, ETH]);
    const btc = tiers.get(BTC)!;
    expect(btc.length).toBeGreaterThan(5);
    expect(btc[0]).toEqual({ maxNotional: '50000', maintenanceRate: '0.004', maxLeverage: 125 });
    expect(btc[1]).toEqual({ maxNotional: '600000', maintenanceRate: '0.005', maxLeverage: 100 });
    expect(btc.every((t, k) => k === 0 || (t.maxLeverage < btc[k - 1]!.maxLeverage && Number(t.maxNotional) > Number(btc[k - 1]!.maxNotional)))).toBe(true);
    expect(tiers.get(ETH)!.length).toBeGreaterThan(5);
  });

  it('reads, sets and reads back leverage and margin mode', async () => {
    expect(await fetchVenueMargins(venue, [BTC])).toEqual([{ symbol: BTC, mode: 'cross', leverage: 20 }]);
    await setVenueLeverage(venue, BTC, 50);
    await setVenueMarginMode(venue, BTC, 'isolated');
    await setVenueMarginMode(venue, BTC, 'isolated'); // -4046 "no need to change" is where we want it: success
    expect(await fetchVenueMargins(venue, [BTC, ETH])).toEqual([{ symbol: BTC, mode: 'isolated', leverage: 50 }, { symbol: ETH, mode: 'cross', leverage: 20 }]);
  });

  it('refusals keep the venue\'s code and words: -2027 on a position past the tier, -4048 with a position', async () => {
    await ex.createOrder(ETH, 'market', 'buy', 30);
    const mark = await fetchVenueMark(venue, ETH);
    expect(30 * mark).toBeGreaterThan(50_000); // past ETH's 125× tier (50 000)
    const tier = await refusal(setVenueLeverage(venue, ETH, 125));
    expect([tier.details?.venueCode, tier.message]).toEqual([-2027, 'Exceeded the maximum allowable position at current leverage. (ETH/USDT:USDT, venue -2027)']);
    const mode = await refusal(setVenueMarginMode(venue, ETH, 'isolated'));
    expect(mode.details?.venueCode).toBe(-4048);
    expect(mode.message).toContain('Margin type cannot be changed if there exists position.');
    // An order past the current leverage's tier is refused by the venue too.
    await setVenueLeverage(venue, ETH, 100);
    const order = await refusal(venue.call('createOrder', () => ex.createOrder(ETH, 'market', 'buy', Math.ceil(600_000 / mark))));
    expect(order.message).toContain('-2027');
  });

  it('the mark: premiumIndex through fetchMarkPrice, and the markPrice stream through watchMarkPrice', async () => {
    const rest = await fetchVenueMark(venue, BTC);
    expect(rest).toBeGreaterThan(0);
    const t = await ex.watchMarkPrice(BTC);
    expect(t.symbol).toBe(BTC);
    expect(t.markPrice).toBeGreaterThan(rest * 0.9);
    expect(t.markPrice).toBeLessThan(rest * 1.1);
    expect(t.info.e).toBe('markPriceUpdate');
  });
});

describe('the mark price stream of a live-clock sim (how the host runs it)', () => {
  it('publishes markPriceUpdate once a second on @markPrice@1s, at the premiumIndex mark', async () => {
    const now = Date.now();
    const end = Math.floor(now / 60_000) * 60_000 + 86_400_000;
    const live = await startMockExchange({ symbols: generatedSymbols({ symbols: ['BTC/USDT'], days: 2, end }), clock: new SimClock({ start: now }), streamIntervalMs: 100, seed: 3 });
    const k = live.private.createKey({ futures: '1000' });
    const v = simVenue(live, k, 'futures');
    try {
      const x = ccxtOf(v);
      await v.prepareStreams();
      const first = await x.watchMarkPrice(BTC);
      const second = await x.watchMarkPrice(BTC);
      // One event a second: consecutive event times about 1 s apart.
      expect(second.info.E - first.info.E).toBeGreaterThanOrEqual(900);
      expect(second.info.E - first.info.E).toBeLessThan(2_500);
      const rest = await fetchVenueMark(v, BTC);
      expect(Math.abs(second.markPrice - rest) / rest).toBeLessThan(0.01);
      expect(second.info).toMatchObject({ e: 'markPriceUpdate', s: 'BTCUSDT' });
    } finally {
      await v.close();
      await live.close();
    }
  });
});

describe('a keyless client (a paper account) at Kestrel Sim', () => {
  const keyless = () => new CcxtVenue({ exchange: 'binanceusdm', endpoints: { rest: mock.baseUrl, ws: mock.wsUrl }, marketTypes: ['linear'], rateLimit: { perSecond: 1000, burst: 100 }, retry: { attempts: 1 }, timeoutMs: 10_000 });

  it('reads the venue\'s brackets from its market info: the same tiers a key reads from leverageBracket', async () => {
    const v = keyless();
    try {
      const pub = await fetchPublicTiers(v, [BTC, ETH]);
      expect(pub.source).toBe('market-info');
      const signed = await fetchVenueTiers(venue, [BTC, ETH]);
      expect(pub.tiers.get(BTC)).toEqual(signed.get(BTC));
      expect(pub.tiers.get(ETH)).toEqual(signed.get(ETH));
    } finally {
      await v.close();
    }
  });

  it('margins a paper perpetual on those tiers: the liquidation price at its bracket\'s maintenance rate and amount (hand-worked)', async () => {
    const v = keyless();
    try {
      const tiers = (await fetchPublicTiers(v, [BTC])).tiers.get(BTC)!;
      const [spec] = venueInstrumentSpecs([{ symbol: BTC, base: 'BTC', quote: 'USDT', type: 'perp', tickSize: '0.01', lotStep: '0.001', minNotional: '5', settle: 'USDT', maxLeverage: 125, marginTiers: tiers }], { makerFee: '0', takerFee: '0' });
      const inst = defineInstrument(spec!);
      // Long 10 BTC at 30 000: notional 300 000, in the second bracket (≤ 600 000: 0.5 %), whose maintenance amount is
      // 50 000 × (0.005 − 0.004) = 50. Maintenance margin 300 000 × 0.005 − 50 = 1 450.
      const pos = { qty: 10_000, cost: 3_000_000 * 10_000 };
      expect(maintenanceMargin(inst, money('300000'))).toBe(money('1450'));
      // Isolated at 20×: collateral 15 000; liquidation where 300 000 − 15 000 − 50 = 10·P·(1 − 0.005):
      // P = 284 950 / 9.95 = 28 638.1909… → 28 638.20 (rounded up). The stated 2.5 % tier gave 29 230.77.
      const collateral = isolatedCollateral(inst, pos, 20);
      expect(collateral).toBe(money('15000'));
      expect(liquidationPrice(inst, pos, collateral)).toBe(2_863_820);
      // The tier rule's cap: 50 000 at 125×, 600 000 at 100×.
      expect([maxNotionalAt(inst, 125), maxNotionalAt(inst, 100)]).toEqual([money('50000'), money('600000')]);
    } finally {
      await v.close();
    }
  });

  it('where the markets list no brackets, a private fetchLeverageTiers (Binance: signed) gives none: no tiers, no source', async () => {
    const v = keyless();
    try {
      await v.loadInstruments();
      for (const m of Object.values(ccxtOf(v).markets as Record<string, { info: Record<string, unknown> }>)) delete m.info.brackets;
      const pub = await fetchPublicTiers(v, [BTC]);
      expect(pub).toEqual({ tiers: new Map(), missing: 'private' });
    } finally {
      await v.close();
    }
  });

  it('streams the mark through the wrapper (openStream kind mark: watchMarkPrice), at the premiumIndex mark', async () => {
    const v = keyless();
    const marks: MarkUpdate[] = [];
    const states: StreamStatus[] = [];
    const h = openStream(v, 'mark', BTC, { onMark: (m) => void marks.push(m), onStatus: (s) => void states.push(s) });
    try {
      const deadline = Date.now() + 20_000;
      while (marks.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(marks.length).toBeGreaterThanOrEqual(2);
      expect(states.find((s) => s.state === 'live')?.mode).toBe('websocket');
      const rest = await fetchVenueMark(v, BTC);
      expect(marks[0]!.symbol).toBe(BTC);
      expect(Math.abs(marks.at(-1)!.markPrice - rest) / rest).toBeLessThan(0.05);
    } finally {
      await h.close();
      await v.close();
    }
  });
});
