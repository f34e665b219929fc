/** Monitors in the kernel: crossing a level moves the account's state, the kill switch and the black swan flatten. */
import { describe, expect, it } from 'vitest';
import { RiskRejectedError } from '../../../main/core/errors.ts';
import type { RiskLimits } from '../../../main/core/risk/gate.ts';
import { book } from './fixtures.ts';

function refused(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof RiskRejectedError) return e.reasons.map((r) => r.rule);
    throw e;
  }
  return [];
}

describe('risk monitors in the kernel', () => {
  it('a falling market crosses the daily loss: alert, HALTED, audited; new orders refused naming the rule', () => {
    const b = book({ maxDailyLoss: 500 });
    b.bar({ 'BTC/USDT': 100 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 50_000 }); // 50 BTC
    b.bar({ 'BTC/USDT': 100 }); // fills at 100
    expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(50_000);
    b.bar({ 'BTC/USDT': 90.02 }); // −499
    expect(b.engine.tradingState).toBe('active');
    b.bar({ 'BTC/USDT': 90 }); // −500: at the limit
    expect(b.engine.tradingState).toBe('halted');
    expect(b.alerts).toMatchObject([{ rule: 'max_daily_loss', limit: 500, value: 500, state: 'halted' }]);
    expect(b.audit.events.filter((e) => e.type === 'risk-alert')).toHaveLength(1);
    expect(b.audit.events.filter((e) => e.type === 'trading-state').at(-1)!.payload).toMatchObject({ from: 'active', to: 'halted' });
    expect(refused(() => b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 }))).toEqual(['trading_halted', 'max_daily_loss']);
    // An operator moves to reducing-only: a reduction passes, an addition still names the daily loss.
    b.engine.setTradingState('reducing-only', 'operator');
    expect(refused(() => b.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'market', qty: 10_000 }))).toEqual([]);
    expect(refused(() => b.engine.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: 1000, price: 10_000 }))).toContain('max_daily_loss');
  });

  describe('an unattended run (a backtest): the daily-loss hold lifts at the next trading day', () => {
    const MIDNIGHT = Date.UTC(2024, 0, 2);
    /** Buys 50 BTC at 100 at 23:50 and marks 90 at 23:52: −500, the limit. */
    function lossBeforeMidnight(limits: RiskLimits) {
      const b = book({ maxDailyLoss: 500, ...limits }, '10000', MIDNIGHT - 10 * 60_000);
      b.bar({ 'BTC/USDT': 100 });
      b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 50_000 });
      b.bar({ 'BTC/USDT': 100 });
      b.bar({ 'BTC/USDT': 90 });
      expect(b.engine.tradingState).toBe('halted');
      expect(refused(() => b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 }))).toContain('trading_halted');
      return b;
    }
    const states = (b: ReturnType<typeof book>) => b.audit.events.filter((e) => e.type === 'trading-state').map((e) => [(e.payload as { to: string }).to, e.ts >= MIDNIGHT ? 'next day' : 'same day']);
    const untilPastMidnight = (b: ReturnType<typeof book>, px: number) => {
      while (b.t() <= MIDNIGHT + 60_000) b.bar({ 'BTC/USDT': px });
    };

    it('halted on the loss day, active again from the first mark of the next, and orders pass', () => {
      const b = lossBeforeMidnight({ unattended: true });
      b.bar({ 'BTC/USDT': 90 });
      expect(b.engine.tradingState).toBe('halted'); // still the same day
      // Nobody attends the run: the halt closed the position (the strategy's own exit would be refused).
      expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(0);
      untilPastMidnight(b, 90);
      expect(b.engine.tradingState).toBe('active');
      expect(states(b)).toEqual([['halted', 'same day'], ['active', 'next day']]);
      expect(b.alerts.map((a) => [a.rule, a.state ?? null, a.lift ?? false])).toEqual([['max_daily_loss', 'halted', false], ['max_daily_loss', null, true]]);
      expect(refused(() => b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 }))).toEqual([]);
      b.bar({ 'BTC/USDT': 90 });
      expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(1000);
    });

    it('paper and live (no lift): the halt outlasts midnight until a human acts', () => {
      const b = lossBeforeMidnight({});
      untilPastMidnight(b, 90);
      expect(b.engine.tradingState).toBe('halted');
      expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(50_000); // the trader decides what to do with it
      expect(states(b)).toEqual([['halted', 'same day']]);
    });

    it('a drawdown halt on the same day stays: the lift frees only what the daily loss alone holds', () => {
      const b = lossBeforeMidnight({ unattended: true, drawdownHaltPct: 0.05 });
      b.bar({ 'BTC/USDT': 90 }); // equity 9,500 less fees: 5 % below the peak
      expect(b.alerts.map((a) => a.rule)).toEqual(['max_daily_loss', 'drawdown_halt']);
      untilPastMidnight(b, 90);
      expect(b.engine.tradingState).toBe('halted');
      expect(b.alerts.some((a) => a.lift)).toBe(false);
    });

    it('a human halt after the daily loss stays halted', () => {
      const b = lossBeforeMidnight({ unattended: true });
      b.engine.setTradingState('halted', 'operator');
      untilPastMidnight(b, 90);
      expect(b.engine.tradingState).toBe('halted');
    });
  });

  it('drawdown: alert at 10 % keeps trading; 15 % halts', () => {
    const b = book({ drawdownAlertPct: 0.1, drawdownHaltPct: 0.15 });
    b.bar({ 'BTC/USDT': 100 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 100_000 }); // all in: 10,000
    b.bar({ 'BTC/USDT': 100 });
    b.bar({ 'BTC/USDT': 90 });
    expect(b.alerts.map((a) => a.rule)).toEqual(['drawdown_alert']);
    expect(b.engine.tradingState).toBe('active');
    b.bar({ 'BTC/USDT': 85 });
    expect(b.alerts.map((a) => a.rule)).toEqual(['drawdown_alert', 'drawdown_halt']);
    expect(b.engine.tradingState).toBe('halted');
    b.bar({ 'BTC/USDT': 60 });
    expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(100_000); // attended: the position is the trader's call
  });

  it('drawdown halt in an unattended run: working orders canceled, the position closed at the next price, halted to the end', () => {
    const b = book({ drawdownHaltPct: 0.15, unattended: true });
    b.bar({ 'BTC/USDT': 100 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 100_000 });
    b.bar({ 'BTC/USDT': 100 });
    const resting = b.engine.submit({ symbol: 'BTC/USDT', side: 'sell', type: 'limit', qty: 50_000, price: 15_000 });
    b.bar({ 'BTC/USDT': 85 });
    expect(b.alerts.map((a) => [a.rule, a.cancel ?? false, a.flatten ?? null])).toEqual([['drawdown_halt', true, 'all']]);
    b.bar({ 'BTC/USDT': 84 });
    expect(b.engine.order(resting.clientOrderId)?.state).toBe('canceled');
    expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(0);
    b.bar({ 'BTC/USDT': 60 });
    expect(b.engine.tradingState).toBe('halted');
    expect(b.engine.portfolio.equity()).toBeGreaterThan(8_000); // not the 6,000 a held position would be worth
  });

  it('a monitor never relaxes the state: an alert asking for reducing-only leaves a halted account halted', () => {
    const b = book({ maxDailyLoss: 100, onDailyLoss: 'reducing-only' });
    b.bar({ 'BTC/USDT': 100 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 10_000 });
    b.bar({ 'BTC/USDT': 100 });
    b.engine.setTradingState('halted', 'operator');
    b.bar({ 'BTC/USDT': 80 });
    expect(b.alerts).toHaveLength(1);
    expect(b.engine.tradingState).toBe('halted');
  });

  it('kill switch: halts, cancels every order, closes every position at market', () => {
    const b = book({});
    b.bar({ 'BTC/USDT': 100, 'ETH/USDT': 50 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 2000 });
    b.engine.submit({ symbol: 'ETH/USDT', side: 'sell', type: 'market', qty: 3000 });
    b.bar({ 'BTC/USDT': 100, 'ETH/USDT': 50 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1000, price: 9000 });
    const r = b.engine.killSwitch('test');
    expect(r.canceled).toHaveLength(1);
    expect(r.flattening.map((o) => [o.symbol, o.side, o.qty, o.reduceOnly, o.source])).toEqual([
      ['BTC/USDT', 'sell', 2000, true, 'system'],
      ['ETH/USDT', 'buy', 3000, true, 'system'],
    ]);
    expect(b.engine.tradingState).toBe('halted');
    b.bar({ 'BTC/USDT': 99, 'ETH/USDT': 51 });
    expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(0);
    expect(b.engine.portfolio.positionQty('ETH/USDT')).toBe(0);
    expect(b.engine.openOrders()).toHaveLength(0);
    expect(refused(() => b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1 }))).toEqual(['trading_halted']);
  });

  it('black swan: a held symbol falling 20 % within the window cancels, flattens and halts', () => {
    const b = book({ blackSwan: { move: 0.2, windowMs: 10 * 60_000, marketSymbols: [], flatten: 'all' } });
    b.bar({ 'BTC/USDT': 100, 'ETH/USDT': 50 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1000 });
    b.engine.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: 1000 });
    b.bar({ 'BTC/USDT': 100, 'ETH/USDT': 50 });
    b.engine.submit({ symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: 1000, price: 4000 });
    b.bar({ 'BTC/USDT': 81, 'ETH/USDT': 50 }); // 19 %
    expect(b.engine.tradingState).toBe('active');
    b.bar({ 'BTC/USDT': 80, 'ETH/USDT': 50 }); // 20 %
    expect(b.alerts).toMatchObject([{ rule: 'black_swan', symbol: 'BTC/USDT', state: 'halted' }]);
    expect(b.engine.tradingState).toBe('halted');
    b.bar({ 'BTC/USDT': 80, 'ETH/USDT': 50 });
    expect(b.engine.portfolio.positionQty('BTC/USDT')).toBe(0);
    expect(b.engine.portfolio.positionQty('ETH/USDT')).toBe(0);
    expect(b.engine.openOrders()).toHaveLength(0);
  });

  it('a venue outage cancels and halts', () => {
    const b = book({});
    b.bar({ 'BTC/USDT': 100 });
    b.engine.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 1000, price: 9000 });
    b.engine.venueOutage('no heartbeat for 30 s');
    expect(b.engine.tradingState).toBe('halted');
    expect(b.engine.openOrders()).toHaveLength(0);
    expect(b.alerts).toMatchObject([{ rule: 'venue_outage' }]);
  });
});
