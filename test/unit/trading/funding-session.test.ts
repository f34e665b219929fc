/**
 * Funding in a paper perpetual session, worked by hand. BTC/USDT:USDT, no fees, a book of 99.99 / 100.00.
 *
 *   06:00  buy 2 at 100.00                                   long 2
 *   08:00  rate +0.0001, mark 101.00: long pays 2 × 101 × 0.0001          = 0.0202
 *   09:00  sell 3 at 99.99 (closes 2: −0.02, opens a short of 1)  short 1
 *   16:00  rate −0.0002, mark 99.00: short pays (−1) × 99 × (−0.0002)     = 0.0198
 *          (the venue publishes it late; meanwhile, at 16:00:05, buy 1 at 100.00 closes the short: −0.01)
 *   00:00  rate +0.0003: flat at that time, nothing is paid or audited
 *
 * Funding 0.0400 in total; cash 10,000 − 0.02 − 0.01 − 0.04 = 9,999.93. Each payment is a `funding` audit
 * event with its rate, mark and the position held at its time.
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../../main/core/engine/clock.ts';
import { defineInstrument, money } from '../../../main/core/model/index.ts';
import { MemoryAuditSink, MemoryStore, type MarketDataHandler } from '../../../main/core/ports.ts';
import { FundingFeed, fundingAfterMarket, type FundingSource } from '../../../main/host/trading/funding-feed.ts';
import { AdjustableRiskGate, DEFAULT_LIMITS } from '../../../main/host/trading/risk.ts';
import { TradingSession, type SessionListener } from '../../../main/host/trading/session.ts';
import type { FundingRecord } from '../../../main/venues/ccxt/index.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';

const S = 'BTC/USDT:USDT';
const H = 3_600_000;
const DAY0 = Date.UTC(2024, 6, 1);
const at = (h: number, s = 0) => DAY0 + h * H + s * 1000;

/** The venue's funding data: records appear once `published` lets them (a venue publishes a moment late). */
function venueFunding(records: FundingRecord[]): FundingSource & { published: (r: FundingRecord) => boolean; calls: number; served: Set<number> } {
  const src = {
    calls: 0,
    served: new Set<number>(),
    published: (_r: FundingRecord) => true,
    next: async (_symbol: string) => {
      const now = clockNow();
      return Math.floor(now / (8 * H)) * 8 * H + 8 * H;
    },
    history: async (_symbol: string, since: number, until: number) => {
      src.calls++;
      const out = records.filter((r) => r.ts >= since && r.ts <= until && src.published(r));
      for (const r of out) src.served.add(r.ts);
      return out;
    },
  };
  return src;
}

let clockNow: () => number = () => 0;

/** Polls for `cond`, running an empty market batch each time (as a feed's batches keep coming). */
async function until(cond: () => boolean, what: string, batch: () => void): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    batch();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('perpetual funding in a paper session (hand-worked)', () => {
  it('books position × mark × rate at each funding time, by side, late records at their own time, nothing when flat', async () => {
    const inst = defineInstrument({ symbol: S, venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'perpetual', tickSize: '0.01', lotSize: '0.001', makerFee: '0', takerFee: '0', maxLeverage: 20 });
    const clock = new SimClock(at(6));
    clockNow = () => clock.now();
    const venue = new PaperVenue({ id: 'paper-f', instruments: [inst], clock });
    const audit = new MemoryAuditSink();
    let handler: MarketDataHandler | undefined;
    const listener: SessionListener = { orders() {}, fill() {}, portfolioChanged() {}, ticks() {}, candle() {}, tradingState() {} };
    const src = venueFunding([
      { symbol: S, ts: at(8), rate: '0.0001', markPrice: 101 },
      { symbol: S, ts: at(16), rate: '-0.0002', markPrice: 99 },
      { symbol: S, ts: at(24), rate: '0.0003', markPrice: 100 },
    ]);
    const feed = new FundingFeed({ source: src, instruments: [inst], startTs: at(6), retryMs: 0 });
    const built: { s?: TradingSession } = {};
    const session = (built.s = new TradingSession({
      sessionId: 'paper-f', accountId: 'perp-1', mode: 'paper', instruments: [inst], demoSymbols: new Set(), venue,
      marketData: { subscribe: (_s, h) => ((handler = h), () => {}) }, clock, store: new MemoryStore(), audit,
      risk: new AdjustableRiskGate(DEFAULT_LIMITS), portfolio: { baseCurrency: 'USDT', cash: { USDT: '10000' }, leverage: { [S]: 10 } }, startingBalance: '10000',
      afterMarket: fundingAfterMarket(feed, () => built.s),
    }, listener));
    session.start();
    const book = (t: number) => {
      clock.set(t);
      session.marketBatch(() => {
        handler!.onBook({ kind: 'snapshot', symbol: S, ts: t, bids: [[99.99, 50]], asks: [[100, 50]] });
        handler!.onTrade({ symbol: S, ts: t, price: 100, qty: 0.001 });
      });
    };
    const idle = () => session.marketBatch(() => {});
    const funding = () => Number(session.positions()[0]?.funding ?? 0);
    const fundingEvents = () => audit.events.filter((e) => e.type === 'funding');

    book(at(6));
    session.submit({ symbol: S, side: 'buy', type: 'market', qty: '2' });
    book(at(6, 1));
    expect(session.positions()[0]).toMatchObject({ qty: '2', side: 'long', avgPrice: '100' });

    book(at(8, 1));
    await until(() => fundingEvents().length === 1, 'the 08:00 payment', idle);
    expect(funding()).toBe(0.0202);

    book(at(9));
    session.submit({ symbol: S, side: 'sell', type: 'market', qty: '3' });
    book(at(9, 1));
    expect(session.positions()[0]).toMatchObject({ qty: '-1', side: 'short' });

    // 16:00 passes but the venue has not published the record yet: the fetch fails and is retried later.
    src.published = (r) => r.ts !== at(16);
    book(at(16, 1));
    await until(() => src.calls >= 2, 'the 16:00 fetch', idle);
    session.submit({ symbol: S, side: 'buy', type: 'market', qty: '1' });
    book(at(16, 5));
    expect(session.positions()[0]).toMatchObject({ qty: '0', side: 'flat' });
    src.published = () => true;
    book(at(16, 10));
    await until(() => fundingEvents().length === 2, 'the late 16:00 payment', idle);
    expect(funding()).toBe(0.04);

    book(at(24, 1));
    await until(() => src.served.has(at(24)), 'the 00:00 record', idle);
    book(at(24, 2));
    expect(fundingEvents().length).toBe(2);
    expect(session.positions()[0]?.funding).toBe('0.04');
    expect(session.account().cash).toBe('9999.93');
    expect(fundingEvents().map((e) => [e.ts, e.symbol, (e.payload as { rate: bigint }).rate, (e.payload as { markPrice: number }).markPrice, (e.payload as { position: number }).position])).toEqual([
      [at(8), S, money('0.0001'), 10100, 2000],
      [at(16), S, money('-0.0002'), 9900, -1000],
    ]);
    session.stop();
  });
});
