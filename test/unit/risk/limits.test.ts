/**
 * Every account rule of the gate at, just below and just above its boundary, worked by hand.
 * Instrument: tick 0.01, lot 0.001, so 1 BTC (1,000 lots) at 100.00 (10,000 ticks) is worth 100 USDT.
 */
import { describe, expect, it } from 'vitest';
import { defineInstrument } from '../../../main/core/model/index.ts';
import { emptyRiskBook, type RiskBook, type RiskInput } from '../../../main/core/ports.ts';
import { LimitsRiskGate } from '../../../main/core/risk/gate.ts';
import { SPEC } from '../core/engine-fixtures.ts';

const inst = defineInstrument(SPEC);
const DAY = 86_400_000;

function input(o: Partial<Omit<RiskInput, 'book'>> & { book?: Partial<RiskBook>; qty?: number; side?: 'buy' | 'sell' } = {}): RiskInput {
  const { book, qty, side, ...rest } = o;
  return {
    request: { symbol: inst.symbol, side: side ?? 'buy', type: 'limit', qty: qty ?? 1000, price: 10_000 },
    source: 'ticket', instrument: inst, tradingState: 'active', positionQty: 0, workingQty: 0, openOrders: 0, lastPrice: 10_000, equity: 10_000, ts: 0,
    ...rest, book: { ...emptyRiskBook(), ...book },
  };
}

function rules(gate: LimitsRiskGate, x: RiskInput): string[] {
  return gate.check(x).reasons.map((r) => r.rule);
}

function reason(gate: LimitsRiskGate, x: RiskInput, rule: string) {
  return gate.check(x).reasons.find((r) => r.rule === rule);
}

describe('account limits in the gate', () => {
  it('max open positions (3): a new symbol as the 3rd passes, as the 4th is refused; a held symbol always passes', () => {
    const g = new LimitsRiskGate({ maxOpenPositions: 3 });
    expect(rules(g, input({ book: { openPositions: 1 } }))).toEqual([]); // below: 2 after
    expect(rules(g, input({ book: { openPositions: 2 } }))).toEqual([]); // at: 3 after
    expect(reason(g, input({ book: { openPositions: 3 } }), 'max_open_positions')).toMatchObject({ limit: 3, actual: 4 }); // above
    expect(rules(g, input({ positionQty: 500, book: { openPositions: 3, symHeld: true } }))).toEqual([]); // adds to a held one
  });

  it('max gross exposure (1,000): 900 elsewhere + 100 here is at the cap; 100.1 is over', () => {
    const g = new LimitsRiskGate({ maxGrossExposure: 1000 });
    expect(rules(g, input({ qty: 999, book: { gross: 900, openPositions: 1 } }))).toEqual([]);
    expect(rules(g, input({ qty: 1000, book: { gross: 900, openPositions: 1 } }))).toEqual([]);
    expect(reason(g, input({ qty: 1001, book: { gross: 900, openPositions: 1 } }), 'max_gross_exposure')).toMatchObject({ limit: 1000, actual: 1000.1 });
  });

  it('the order symbol is replaced, not added: holding 50 of it and buying 50 more is 100 gross', () => {
    const g = new LimitsRiskGate({ maxGrossExposure: 1000 });
    const book = { gross: 950, symGross: 50, symHeld: true, openPositions: 2 };
    expect(rules(g, input({ positionQty: 500, qty: 500, book }))).toEqual([]); // 900 + 100
    expect(rules(g, input({ positionQty: 500, qty: 501, book }))).toEqual(['max_gross_exposure']);
  });

  it('working orders count at their worst: a resting buy of 50 and a sell of 50 on a flat symbol are 50 each way', () => {
    const g = new LimitsRiskGate({ maxGrossExposure: 1000 });
    const book = { gross: 950, symGross: 50, symHeld: true, openPositions: 2, symWorkBuy: 500, symWorkSell: -500 };
    expect(rules(g, input({ qty: 500, book }))).toEqual([]); // buys 100 worst: 900 + 100
    expect(rules(g, input({ qty: 501, book }))).toEqual(['max_gross_exposure']);
    expect(rules(g, input({ side: 'sell', qty: 500, book }))).toEqual([]);
    expect(rules(g, input({ side: 'sell', qty: 501, book }))).toEqual(['max_gross_exposure']);
  });

  it('max net exposure (150): long 100 elsewhere, +50 here is at the cap; a short here nets it down', () => {
    const g = new LimitsRiskGate({ maxNetExposure: 150 });
    const book = { gross: 100, netLong: 100, netShort: 100, openPositions: 1 };
    expect(rules(g, input({ qty: 499, book }))).toEqual([]);
    expect(rules(g, input({ qty: 500, book }))).toEqual([]);
    expect(reason(g, input({ qty: 501, book }), 'max_net_exposure')).toMatchObject({ limit: 150, actual: 150.1 });
    expect(rules(g, input({ side: 'sell', qty: 2500, book }))).toEqual([]); // net −150
    expect(reason(g, input({ side: 'sell', qty: 2501, book }), 'max_net_exposure')).toMatchObject({ actual: 150.1 }); // net −150.1
    // Marks carried the long side over the cap: a sell (it only lowers net) still passes, a buy does not.
    const over = { gross: 160, netLong: 160, netShort: 160, openPositions: 1 };
    expect(rules(g, input({ side: 'sell', qty: 10, book: over }))).toEqual([]);
    expect(rules(g, input({ side: 'buy', qty: 1, book: over }))).toEqual(['max_net_exposure']);
  });

  it('max leverage (1×) against equity 1,000: gross 1,000 passes, 1,000.1 is refused with the ratio', () => {
    const g = new LimitsRiskGate({ maxLeverage: 1 });
    expect(rules(g, input({ equity: 1000, qty: 9999 }))).toEqual([]);
    expect(rules(g, input({ equity: 1000, qty: 10_000 }))).toEqual([]);
    expect(reason(g, input({ equity: 1000, qty: 10_001 }), 'max_leverage')).toMatchObject({ limit: 1, actual: 1.0001 });
  });

  it('buying power: margin in use + the order’s initial margin must fit in equity; leverage divides it', () => {
    const g = new LimitsRiskGate({ checkBuyingPower: true });
    const book = { margin: 900, gross: 900, openPositions: 1 };
    expect(rules(g, input({ equity: 1000, qty: 1000, book }))).toEqual([]); // 900 + 100 = 1,000
    expect(reason(g, input({ equity: 1000, qty: 1001, book }), 'buying_power')).toMatchObject({ limit: 1000, actual: 1000.1 });
    expect(rules(g, input({ equity: 1000, qty: 5000, book: { ...book, symLeverage: 5 } }))).toEqual([]); // 500 / 5
    expect(rules(g, input({ equity: 1000, qty: 5001, book: { ...book, symLeverage: 5 } }))).toEqual(['buying_power']);
  });

  it('max position % of equity (2 %): 200 of 10,000 passes, 200.1 is refused', () => {
    const g = new LimitsRiskGate({ maxPositionPctEquity: 0.02 });
    expect(rules(g, input({ qty: 1999 }))).toEqual([]);
    expect(rules(g, input({ qty: 2000 }))).toEqual([]);
    expect(reason(g, input({ qty: 2001 }), 'max_position_pct_equity')).toMatchObject({ limit: 0.02, actual: 0.02 }); // 0.02001 shown to 4 places
  });

  it('max daily loss (500 absolute): a loss of 499.99 passes, 500 and 500.01 refuse opening orders; reducing ones pass', () => {
    const g = new LimitsRiskGate({ maxDailyLoss: 500 });
    g.observe(0, 10_000); // the day's start equity
    expect(rules(g, input({ ts: 1, equity: 9500.01 }))).toEqual([]);
    expect(reason(g, input({ ts: 2, equity: 9500 }), 'max_daily_loss')).toMatchObject({ limit: 500, actual: 500 });
    expect(reason(g, input({ ts: 3, equity: 9499.99 }), 'max_daily_loss')).toMatchObject({ limit: 500, actual: 500.01 });
    expect(rules(g, input({ ts: 4, equity: 9000, positionQty: 1000, side: 'sell', qty: 1000 }))).toEqual([]);
  });

  it('max daily loss (5 %): 4.99 % passes, 5 % and 5.01 % refuse', () => {
    const g = new LimitsRiskGate({ maxDailyLossPct: 0.05 });
    g.observe(0, 10_000);
    expect(rules(g, input({ ts: 1, equity: 9501 }))).toEqual([]);
    expect(reason(g, input({ ts: 2, equity: 9500 }), 'max_daily_loss_pct')).toMatchObject({ limit: 0.05, actual: 0.05 });
    expect(rules(g, input({ ts: 3, equity: 9499 }))).toEqual(['max_daily_loss_pct']);
  });

  it('the day boundary is midnight in the chosen zone: New York’s day resets at 05:00 UTC in winter, 04:00 in summer', () => {
    const g = new LimitsRiskGate({ maxDailyLoss: 500, timeZone: 'America/New_York' });
    const jan = Date.UTC(2026, 0, 15, 4, 59); // 23:59 in New York
    g.observe(jan - 3_600_000, 10_000);
    expect(rules(g, input({ ts: jan, equity: 9400 }))).toEqual(['max_daily_loss']);
    expect(rules(g, input({ ts: jan + 59_999, equity: 9400 }))).toEqual(['max_daily_loss']); // 23:59:59.999
    expect(rules(g, input({ ts: jan + 60_000, equity: 9400 }))).toEqual([]); // 00:00 New York: a new day from 9,400
    expect(rules(g, input({ ts: jan + 60_001, equity: 8900 }))).toEqual(['max_daily_loss']);
    const g2 = new LimitsRiskGate({ maxDailyLoss: 500, timeZone: 'America/New_York' });
    const jul = Date.UTC(2026, 6, 15, 4, 0); // 00:00 EDT
    g2.observe(jul - 1, 10_000);
    expect(rules(g2, input({ ts: jul - 1, equity: 9000 }))).toEqual(['max_daily_loss']);
    expect(rules(g2, input({ ts: jul, equity: 9000 }))).toEqual([]);
    const g3 = new LimitsRiskGate({ maxDailyLoss: 500 }); // UTC by default
    g3.observe(DAY - 1, 10_000);
    expect(rules(g3, input({ ts: DAY - 1, equity: 9000 }))).toEqual(['max_daily_loss']);
    expect(rules(g3, input({ ts: DAY, equity: 9000 }))).toEqual([]);
  });

  it('drawdown halt (15 %) from peak 10,000: 8,500.01 passes, 8,500 and below refuse', () => {
    const g = new LimitsRiskGate({ drawdownHaltPct: 0.15 });
    g.observe(0, 10_000);
    expect(rules(g, input({ ts: 1, equity: 8500.01 }))).toEqual([]);
    expect(reason(g, input({ ts: 2, equity: 8500 }), 'drawdown_halt')).toMatchObject({ limit: 0.15, actual: 0.15 });
    expect(rules(g, input({ ts: 3, equity: 8499.99 }))).toEqual(['drawdown_halt']);
  });

  it('an unknown time zone is a typed validation error', () => {
    expect(() => new LimitsRiskGate({ maxDailyLoss: 1, timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });

  it('halted refuses everything except the kernel’s own reduce-only flatten', () => {
    const g = new LimitsRiskGate({});
    expect(rules(g, input({ tradingState: 'halted', positionQty: 1000, side: 'sell', qty: 1000 }))).toEqual(['trading_halted']);
    expect(rules(g, input({ tradingState: 'halted', positionQty: 1000, side: 'sell', qty: 1000, source: 'system', request: { symbol: inst.symbol, side: 'sell', type: 'market', qty: 1000, reduceOnly: true } }))).toEqual([]);
    expect(rules(g, input({ tradingState: 'halted', source: 'system', request: { symbol: inst.symbol, side: 'buy', type: 'market', qty: 1000, reduceOnly: true } }))).toContain('trading_halted');
  });
});

describe('monitors between orders', () => {
  it('drawdown: alert once at 10 %, re-armed under it; halt at 15 %', () => {
    const g = new LimitsRiskGate({ drawdownAlertPct: 0.1, drawdownHaltPct: 0.15 });
    expect(g.observe(0, 10_000)).toBeNull();
    expect(g.observe(1, 9000.01)).toBeNull();
    expect(g.observe(2, 9000)).toMatchObject({ rule: 'drawdown_alert', limit: 0.1, value: 0.1 });
    expect(g.observe(3, 8900)).toBeNull();
    expect(g.observe(4, 9500)).toBeNull(); // back under: re-armed
    expect(g.observe(5, 8999)).toMatchObject({ rule: 'drawdown_alert' });
    expect(g.observe(6, 8500.01)).toBeNull();
    expect(g.observe(7, 8500)).toMatchObject({ rule: 'drawdown_halt', state: 'halted', value: 0.15 });
    expect(g.observe(8, 8000)).toBeNull();
  });

  it('daily loss: one alert per day, with the state the profile asks for', () => {
    const g = new LimitsRiskGate({ maxDailyLoss: 500, onDailyLoss: 'reducing-only' });
    g.observe(0, 10_000);
    expect(g.observe(1, 9500.01)).toBeNull();
    expect(g.observe(2, 9500)).toMatchObject({ rule: 'max_daily_loss', state: 'reducing-only', limit: 500, value: 500 });
    expect(g.observe(3, 9000)).toBeNull();
    expect(g.observe(DAY, 9000)).toBeNull(); // new day starts at 9,000
    expect(g.observe(DAY + 1, 8500)).toMatchObject({ rule: 'max_daily_loss' });
  });

  it('black swan: a held symbol moving 20 % within the window halts, cancels and flattens; 19.99 % or outside the window does not', () => {
    const g = new LimitsRiskGate({ blackSwan: { move: 0.2, windowMs: 3_600_000, marketSymbols: ['ETH/USDT'], flatten: 'all' } });
    expect(g.observePrice('BTC/USDT', 0, 100, true)).toBeNull();
    expect(g.observePrice('BTC/USDT', 1000, 80.01, true)).toBeNull(); // 19.99 %
    expect(g.observePrice('BTC/USDT', 2000, 80, true)).toMatchObject({ rule: 'black_swan', symbol: 'BTC/USDT', state: 'halted', cancel: true, flatten: 'all', value: 0.2 });
    // outside the window: the old extreme has left it
    expect(g.observePrice('SOL/USDT', 0, 100, true)).toBeNull();
    expect(g.observePrice('SOL/USDT', 3_600_001, 70, true)).toBeNull();
    // not held and not a market symbol: watched but no alert; the market symbol alerts unheld
    expect(g.observePrice('DOGE/USDT', 0, 1, false)).toBeNull();
    expect(g.observePrice('DOGE/USDT', 10, 2, false)).toBeNull();
    expect(g.observePrice('ETH/USDT', 0, 100, false)).toBeNull();
    expect(g.observePrice('ETH/USDT', 10, 125, false)).toMatchObject({ rule: 'black_swan', symbol: 'ETH/USDT', value: 0.25 });
  });

  it('black swan with flatten "affected" closes only the symbol that moved; an outage halts and cancels', () => {
    const g = new LimitsRiskGate({ blackSwan: { move: 0.2, windowMs: 60_000, marketSymbols: [], flatten: 'affected' } });
    g.observePrice('BTC/USDT', 0, 100, true);
    expect(g.observePrice('BTC/USDT', 1, 120, true)).toMatchObject({ flatten: ['BTC/USDT'] });
    expect(g.outage('exchange unreachable for 30 s')).toMatchObject({ rule: 'venue_outage', state: 'halted', cancel: true, flatten: 'all' });
  });
});
