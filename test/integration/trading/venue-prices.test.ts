/**
 * The newcomer's price path (issue 16): the Demo paper account trades on Kestrel Sim's live trade prints —
 * the same market streams the chart, the book and the watchlist show — with Kestrel Sim's own instruments
 * (tick, lot, min notional from its ccxt markets). Its session records the prints it saw, so the audit
 * re-run reproduces it exactly. Everything is polled: the sim prints on its own clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../main/core/audit/replay.ts';
import type { Subscription } from '../../../main/host/market-streams/manager.ts';
import type { RecordedPrint } from '../../../main/host/trading/print-feed.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { offset, until } from './support.ts';

const SYMBOL = 'SOL/USDT';
let h: TestHost;
let sub: Subscription;
/** Every price Kestrel Sim published for SOL/USDT (trades, ticker last) since the test subscribed, through the host's market streams. */
const streamed = new Set<number>();
/** Every ask level its book stream showed. */
const asks = new Set<number>();
let updates = 0;

beforeAll(async () => {
  h = await startTestHost({ env: { ...process.env, KESTREL_PAPER_PRICES: 'venue' } });
  sub = await h.host.services.streams.subscribe('kestrel-sim', SYMBOL, ['trades', 'ticker', 'book'], (u) => {
    updates++;
    if (u.kind === 'trades') for (const t of u.trades) streamed.add(t.price);
    else if (u.kind === 'ticker') streamed.add(u.last);
    else if (u.kind === 'book') for (const [p] of u.asks) asks.add(p);
  });
}, 60_000);

afterAll(async () => {
  sub?.close();
  await h?.close();
});

const solPrice = async () => (await h.client.call('trading.prices', {})).prices.find((p) => p.symbol === SYMBOL)?.price;

describe('a paper account on Kestrel Sim', () => {
  it('trades Kestrel Sim\'s markets with the venue\'s grids', async () => {
    const session = await h.client.call('trading.session', {});
    expect(session.feed).toBe('Kestrel Sim trades');
    const instruments = (await h.client.call('trading.instruments', {})).instruments;
    const venue = (await h.client.call('markets.search', { venue: 'kestrel-sim', type: 'spot' })).markets;
    expect(instruments.map((i) => i.symbol).sort()).toEqual(venue.map((m) => m.symbol).sort());
    for (const m of venue) {
      const i = instruments.find((x) => x.symbol === m.symbol)!;
      expect(Number(i.tickSize)).toBe(Number(m.tickSize));
      expect(Number(i.lotSize)).toBe(Number(m.lotStep));
      expect(i.demo).toBe(false);
    }
  });

  it('shows the price the venue printed, not a second synthetic one', async () => {
    // The session's last SOL price is one Kestrel Sim printed on the stream the chart uses.
    await until('the session price among the streamed prints', async () => {
      const p = await solPrice();
      return p !== undefined && streamed.has(Number(p));
    }, 30_000);
  });

  it('fills a market buy from the venue\'s book, and a marketable limit; a far limit rests', async () => {
    const px = await until('a SOL price', solPrice, 30_000);
    const buy = (await h.client.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'market', qty: '1' })).orders[0]!;
    const fill = await until('the market buy filled', async () => (await h.client.call('trading.fills', {})).fills.find((f) => f.clientOrderId === buy.clientOrderId), 30_000);
    // It took the venue's book: the fill is at an ask level Kestrel Sim published.
    expect(asks.has(Number(fill.price))).toBe(true);
    const limit = (await h.client.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'limit', qty: '1', price: offset(px, 200, 3) })).orders[0]!;
    await until('the marketable limit filled', async () => (await h.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === limit.clientOrderId && o.state === 'filled'), 30_000);
    const far = (await h.client.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'limit', qty: '1', price: offset(px, -400, 3) })).orders[0]!;
    // Prints keep arriving while it rests far under the market.
    const seen = updates;
    await until('more market updates', async () => updates > seen + 8, 30_000);
    expect((await h.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === far.clientOrderId)!.state).toBe('accepted');
    await h.client.call('trading.cancel', { clientOrderId: far.clientOrderId });
  });

  it('records the prints it saw, and the audit re-run reproduces every fill from them', async () => {
    const session = (await h.client.call('trading.session', {})).sessionId;
    h.host.services.trading.stop('test done');
    const recorded: RecordedEvent[] = h.host.services.audit.sessionEvents(session);
    const prints = recorded.filter((e) => e.type === 'prints').flatMap((e) => (e.payload as { prints: RecordedPrint[] }).prints);
    expect(prints.filter((p) => p.length === 4 && typeof p[2] === 'number').length).toBeGreaterThan(0);
    expect(prints.filter((p) => p.length === 4 && Array.isArray(p[2])).length).toBeGreaterThan(0);
    // Each command is logged after the prints the session had seen before it.
    const firstVerdict = recorded.findIndex((e) => e.type === 'risk-verdict');
    expect(recorded.slice(0, firstVerdict).some((e) => e.type === 'prints')).toBe(true);
    const fills = recorded.filter((e) => e.type === 'fill');
    expect(fills.length).toBeGreaterThanOrEqual(2);
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.divergences).toEqual([]);
    expect(rep.identical).toBe(true);
    expect(rep.fills).toEqual({ recorded: fills.length, rerun: fills.length });
  });
});
