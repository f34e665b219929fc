/**
 * A perpetual sim account's leverage, margin mode, tiers and mark through the host and the contract, against Kestrel
 * Sim (ccxt binanceusdm): the ticket's margin control is editable and its change reaches the venue; the venue's
 * private brackets (several tiers) feed the gate, so an order past its leverage's tier is refused before it leaves
 * (-2027, in Binance's words); a change the venue would refuse (margin mode with a position) is refused with the
 * venue's reason and sent nowhere; the position's P&L is at the venue's mark.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KestrelClient } from '../../../main/contract/index.ts';
import type { Host } from '../../../main/host/host.ts';
import type { MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { failure, offset, until } from './support.ts';
import { armedSimHost, simMark } from './sim-host.ts';

const account = 'perpm';
const name = 'Perp Margin';
const symbol = 'BTC/USDT:USDT';

describe('leverage and margin of a perpetual sim account', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-perpm-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const atVenue = () => sim.private.engine.account(`kestrel-${account}`).position('BTCUSDT');
  const mark = () => simMark(sim, 'BTCUSDT');

  beforeAll(async () => {
    ({ sim, host, c } = await armedSimHost(dir, { account, name, marketType: 'perpetual', streamIntervalMs: 1_000, seed: 13 }));
    // The standard profile's per-position and exposure caps would refuse the large orders below for their own reasons.
    await c.call('risk.setProfile', { account, profile: { name: 'venue-only', maxPositionPctEquity: null, maxLeverage: null, checkBuyingPower: true } });
    await c.call('risk.setLimits', { account, maxOrderNotional: null, maxPositionNotional: null, maxPositionPctEquity: null, priceBandBps: null });
  }, 120_000);
  afterAll(async () => {
    c.close();
    await host.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the venue\'s brackets and margin, editable; a change goes to the venue', async () => {
    const m = await c.call('trading.margin', { account, symbol });
    expect(m).toMatchObject({ mode: 'cross', leverage: 20, maxLeverage: 125, editable: true, maxNotional: '100000000' });
    expect(m.brackets.length).toBeGreaterThan(5);
    expect(m.brackets[0]).toEqual({ maxNotional: '50000', maintenanceRate: '0.004', maxLeverage: 125 });
    expect(await c.call('trading.setMargin', { account, symbol, leverage: 125, mode: 'isolated' })).toMatchObject({ mode: 'isolated', leverage: 125, maxNotional: '50000' });
    expect([atVenue().leverage, atVenue().isolated]).toEqual([125, true]);
  });

  it('an order past the 125× tier (50 000) is refused by the gate with Binance\'s reason, before the venue sees it', async () => {
    // Far below the market: it rests (the sim replays its history a candle a second).
    const px = offset(await mark(), -2000, 1);
    const qty = (Math.ceil((60_000 / Number(px)) * 1000) / 1000).toFixed(3);
    const e = await failure(c.call('trading.submit', { account, symbol, side: 'buy', type: 'limit', qty, price: px }));
    expect(e.code).toBe('risk_rejected');
    const reasons = (e.details as { reasons: { rule: string; message: string; limit: string }[] }).reasons;
    expect(reasons.find((r) => r.rule === 'position_tier_at_leverage')).toMatchObject({ limit: '50000.00' });
    expect(e.message).toContain('Exceeded the maximum allowable position at current leverage');
    expect(sim.private.engine.account(`kestrel-${account}`).openOrders('futures')).toEqual([]);
    // At 50× the same order fits its tier (12 000 000) and rests at the venue.
    await c.call('trading.setMargin', { account, symbol, leverage: 50 });
    const { orders } = await c.call('trading.submit', { account, symbol, side: 'buy', type: 'limit', qty, price: px });
    await until('the order at the venue', async () => sim.private.engine.account(`kestrel-${account}`).openOrders('futures').length === 1, 30_000);
    await c.call('trading.cancel', { account, clientOrderId: orders[0]!.clientOrderId });
    await until('the order canceled', async () => sim.private.engine.account(`kestrel-${account}`).openOrders('futures').length === 0, 30_000);
  });

  it('with a position, a margin-mode change is refused in the venue\'s words and not sent; P&L is at the venue\'s mark', async () => {
    await c.call('trading.submit', { account, symbol, side: 'buy', type: 'limit', qty: '0.002', price: offset(await mark(), 100, 1) });
    await until('the long at the venue and booked', async () => atVenue().amt > 0n && (await c.call('trading.openOrders', { account })).orders.length === 0 && (await c.call('trading.positions', { account })).positions.some((x) => x.symbol === symbol && x.side === 'long'), 30_000);
    const e = await failure(c.call('trading.setMargin', { account, symbol, mode: 'cross' }));
    expect([e.code, (e.details as { venueCode?: number }).venueCode]).toEqual(['venue_rejected', -4048]);
    expect(e.message).toContain('Margin type cannot be changed if there exists position');
    expect(atVenue().isolated).toBe(true);
    const p = await until('the position valued at the venue\'s mark', async () => (await c.call('trading.positions', { account })).positions.find((x) => x.symbol === symbol && x.markSource === 'mark'), 30_000);
    expect(p).toMatchObject({ marginMode: 'isolated', leverage: 50 });
    const upnl = (Number(p.markPrice) - Number(p.avgPrice)) * Number(p.qty);
    expect(Number(p.unrealizedPnl)).toBeCloseTo(upnl, 2);
    // The mark came on the venue's markPrice stream, no premiumIndex poll.
    expect((await c.call('trading.session', {})).perpetual).toMatchObject({ marks: 'venue stream (markPrice)', markPolls: 0 });
    // Valued at a price all along (its fill, then the mark), the account never read as a loss of the notional.
    expect((await c.call('risk.status', { account })).account?.drawdown ?? 0).toBeLessThan(0.01);
  });
});
