/**
 * The live composition accepts any Venue + MarketData pair around the same session code. Here the paper
 * venue stands in for an exchange adapter and the demo feed for its stream; the session runs on the wall
 * clock as a live one does.
 */
import { describe, expect, it } from 'vitest';
import { WallClock } from '../../../main/core/engine/clock.ts';
import { MemoryAuditSink, MemoryStore } from '../../../main/core/ports.ts';
import { composeLiveSession } from '../../../main/host/trading/compose.ts';
import { DemoFeed } from '../../../main/host/trading/demo-feed.ts';
import { demoInstruments } from '../../../main/host/trading/instruments.ts';
import { AdjustableRiskGate, DEFAULT_LIMITS } from '../../../main/host/trading/risk.ts';
import type { SessionListener } from '../../../main/host/trading/session.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';

describe('live composition', () => {
  it('trades through the same session with a venue and a stream plugged in', async () => {
    const instruments = demoInstruments('stand-in', { makerFee: '0.001', takerFee: '0.002' });
    const venue = new PaperVenue({ id: 'stand-in', instruments, clock: new WallClock() });
    const feed = new DemoFeed({
      symbols: [{ symbol: 'ETH/USDT', anchor: 2300, tickSize: 0.01, lotSize: 0.0001, rho: 0.8, volScale: 1, volumePerMinute: 3000 }],
      seed: 4, startTs: Date.now(), tickMs: 5,
    });
    const fills: string[] = [];
    const listener: SessionListener = { orders() {}, fill: (f) => void fills.push(f.clientOrderId), portfolioChanged() {}, ticks() {}, candle() {}, tradingState() {} };
    const audit = new MemoryAuditSink();
    const session = composeLiveSession({
      sessionId: 'L1', accountId: 'live-test', currency: 'USDT', startingBalance: '5000', instruments, venue, marketData: feed,
      store: new MemoryStore(), audit, risk: new AdjustableRiskGate(DEFAULT_LIMITS), listener,
    });
    session.start();
    await new Promise((r) => setTimeout(r, 20));
    session.marketBatch(() => void feed.pump());
    const [order] = session.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.5' });
    expect(order).toMatchObject({ state: 'accepted', venue: 'stand-in' });
    await new Promise((r) => setTimeout(r, 30));
    session.marketBatch(() => void feed.pump());
    expect(new Set(fills)).toEqual(new Set([order!.clientOrderId])); // possibly in parts: prints carry limited size
    expect(session.account()).toMatchObject({ mode: 'live', accountId: 'live-test' });
    expect(session.positions()[0]).toMatchObject({ symbol: 'ETH/USDT', qty: '0.5', side: 'long' });
    expect(audit.events.map((e) => e.type)).toEqual(expect.arrayContaining(['risk-verdict', 'order', 'fill']));
    session.stop();
    expect(() => session.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.5' })).toThrow(/stopped/);
  });
});
