/**
 * A perpetual paper session's per-symbol leverage and margin mode, and its P&L at the venue's mark, hand-worked.
 * BTC/USDT:USDT, tick 0.01, lot 0.001, no fees, maintenance 0.5 % (no brackets published), venue max 20×; the
 * account is isolated at 10×, a book of 99.99 / 100.00.
 *
 *   buy 1 at 100.00, isolated 10×: collateral 10, liquidation (100 − 10) / 0.995 = 90.452 → 90.46 (rounded up)
 *   raise to 20×:                  collateral 5,  liquidation (100 − 5) / 0.995  = 95.477 → 95.48
 *   venue mark 99.00 (last 100):   unrealized −1.00, equity 10,000 − 1
 *   venue mark 95.40:              under 95.48 → liquidated (it would not have been at 10×)
 */
import { describe, expect, it } from 'vitest';
import { venueCode } from '../../support/venue-code.ts';
import { SimClock } from '../../../main/core/engine/clock.ts';
import { liquidationHook } from '../../../main/core/margin/account.ts';
import { defineInstrument } from '../../../main/core/model/index.ts';
import { accountFigures } from '../../../main/core/portfolio/attribution.ts';
import { MemoryAuditSink, MemoryStore, type MarketDataHandler } from '../../../main/core/ports.ts';
import { markToVenue } from '../../../main/host/trading/compose.ts';
import { AdjustableRiskGate, DEFAULT_LIMITS } from '../../../main/host/trading/risk.ts';
import { TradingSession, type SessionListener } from '../../../main/host/trading/session.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';

const S = 'BTC/USDT:USDT';
const T0 = Date.UTC(2024, 6, 1);

function perpSession(mode: 'isolated' | 'cross' | 'none' = 'isolated') {
  const marginMode = mode === 'none' ? undefined : mode;
  const inst = defineInstrument({ symbol: S, venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'perpetual', tickSize: '0.01', lotSize: '0.001', makerFee: '0', takerFee: '0', maxLeverage: 20 });
  const clock = new SimClock(T0);
  const box: { s?: TradingSession } = {};
  const venue = new PaperVenue({
    id: 'paper-m', instruments: [inst], clock,
    ...(marginMode ? { liquidation: (sym: string) => liquidationHook(box.s!.engine.portfolio, (x) => box.s!.marginModeOf(x))(sym), liquidateOnMark: true } : {}),
  });
  const audit = new MemoryAuditSink();
  let handler: MarketDataHandler | undefined;
  let pushed = 0;
  const listener: SessionListener = { orders() {}, fill() {}, portfolioChanged: () => void pushed++, ticks() {}, candle() {}, tradingState() {} };
  const session = (box.s = new TradingSession({
    sessionId: 'paper-m', accountId: 'perp-1', mode: 'paper', instruments: [inst], demoSymbols: new Set(), venue,
    marketData: { subscribe: (_s, h) => ((handler = h), () => {}) }, clock, store: new MemoryStore(), audit,
    risk: new AdjustableRiskGate(DEFAULT_LIMITS), portfolio: { baseCurrency: 'USDT', cash: { USDT: '10000' }, leverage: { [S]: 10 } }, startingBalance: '10000',
    ...(marginMode ? { marginMode } : {}),
  }, listener));
  session.start();
  let t = T0;
  const book = () => {
    clock.set((t += 1000));
    session.marketBatch(() => {
      handler!.onBook({ kind: 'snapshot', symbol: S, ts: t, bids: [[99.99, 50]], asks: [[100, 50]] });
      handler!.onTrade({ symbol: S, ts: t, price: 100, qty: 0.001 });
    });
  };
  const mark = (price: number) => session.marketBatch(() => markToVenue(() => session)(S, (t += 1000), price));
  const long1 = () => {
    book();
    session.submit({ symbol: S, side: 'buy', type: 'market', qty: '1' });
    book();
  };
  return { session, audit, book, mark, long1, pushed: () => pushed };
}


describe('per-symbol leverage and margin mode in a perpetual paper session', () => {
  it('a leverage raise on an open isolated long moves its liquidation price, the venue liquidates at the new one, audited', () => {
    const { session, audit, long1, mark, pushed } = perpSession();
    long1();
    expect(session.positions()[0]).toMatchObject({ side: 'long', qty: '1', liquidationPrice: '90.46', leverage: 10, marginMode: 'isolated' });
    expect(session.margin(S)).toMatchObject({ mode: 'isolated', leverage: 10, maxLeverage: 20, editable: true });
    const before = pushed();
    expect(session.setMargin(S, { leverage: 20 }, 'test')).toMatchObject({ leverage: 20, mode: 'isolated' });
    expect(pushed()).toBeGreaterThan(before);
    expect(session.positions()[0]).toMatchObject({ liquidationPrice: '95.48', leverage: 20, margin: '5' });
    const changes = audit.events.filter((e) => e.type === 'config-change' && (e.payload as { what: string }).what === 'margin');
    expect(changes.map((e) => [e.symbol, (e.payload as { from: unknown }).from, (e.payload as { to: unknown }).to, (e.payload as { by: string }).by])).toEqual([
      [S, { mode: 'isolated', leverage: 10 }, { mode: 'isolated', leverage: 20 }, 'test'],
    ]);
    mark(95.4);
    expect(session.fills(S, 10)[0]?.clientOrderId).toMatch(/^liquidation-/);
    expect(session.positions()[0]).toMatchObject({ side: 'flat' });
  });

  it('refuses as the venue does: lower isolated leverage or another margin mode with a position, a leverage above the venue max', () => {
    const { session, audit, long1 } = perpSession();
    long1();
    expect(venueCode(() => session.setMargin(S, { leverage: 5 }, 'test'))).toBe(-4161);
    expect(venueCode(() => session.setMargin(S, { mode: 'cross' }, 'test'))).toBe(-4048);
    expect(venueCode(() => session.setMargin(S, { leverage: 21 }, 'test'))).toBe(-4028);
    // Nothing changed, nothing audited.
    expect(session.positions()[0]).toMatchObject({ leverage: 10, marginMode: 'isolated', liquidationPrice: '90.46' });
    expect(audit.events.some((e) => e.type === 'config-change')).toBe(false);
  });

  it('refuses a margin mode change while an order is working; flat and without orders the mode changes per symbol', () => {
    const { session, book } = perpSession();
    book();
    const [o] = session.submit({ symbol: S, side: 'buy', type: 'limit', price: '99', qty: '1' });
    expect(venueCode(() => session.setMargin(S, { mode: 'cross' }, 'test'))).toBe(-4047);
    session.cancel(o!.clientOrderId);
    book();
    expect(session.setMargin(S, { mode: 'cross', leverage: 5 }, 'test')).toMatchObject({ mode: 'cross', leverage: 5 });
    expect(session.marginModeOf(S)).toBe('cross');
  });

  it('a session without perpetual margin (spot) refuses the change', () => {
    const { session } = perpSession('none');
    expect(() => session.setMargin(S, { leverage: 5 }, 'test')).toThrow(/perpetual accounts only/);
    expect(session.margin(S).editable).toBe(false);
  });

  it('values a perpetual at the venue mark once one arrives: position, account, equity, account figures', () => {
    const { session, long1, mark, book } = perpSession();
    long1();
    expect(session.positions()[0]).toMatchObject({ markPrice: '100', unrealizedPnl: '0', markSource: 'last' });
    mark(99);
    book(); // a later trade at 100 does not move the P&L mark of a perpetual
    expect(session.positions()[0]).toMatchObject({ markPrice: '99', unrealizedPnl: '-1', notional: '99', markSource: 'mark' });
    expect(session.account()).toMatchObject({ unrealizedPnl: '-1', equity: '9999' });
    const pf = session.engine.portfolio;
    expect(accountFigures(pf, 'USDT')).toMatchObject({ unrealized: -(10n ** 18n), equity: 9999n * 10n ** 18n });
    pf.updateEquity();
    expect(pf.equityF).toBeCloseTo(9999, 6);
    // The risk desk's exposure and margin, and the gate's buying power, value the position at the same mark.
    expect(session.riskStatus().account).toMatchObject({ gross: 99, marginUsed: 9.9 });
    // Closed, the old mark is forgotten: the next position is valued at the last price until its own mark arrives.
    session.submit({ symbol: S, side: 'sell', type: 'market', qty: '1' });
    book();
    long1();
    expect(session.positions()[0]).toMatchObject({ markPrice: '100', markSource: 'last' });
  });
});
