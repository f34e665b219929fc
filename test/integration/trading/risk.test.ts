/**
 * The risk engine in a paper session through the real host: a daily-loss limit halts the account, the reason
 * shows, orders are refused naming the rule; a re-authenticated override within the ceilings lets a reducing
 * order through and expires on its own; the kill switch flattens; the daily risk report lists it all.
 * The paper clock runs 60× (one paper minute per wall second) so a 1-minute override expires in a second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskReasonsOf } from '../../../main/contract/trading.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, until } from './support.ts';

let t: TestHost;
const saved = { ...process.env };
beforeAll(async () => {
  process.env.KESTREL_FEED_TICK_MS = '600';
  process.env.KESTREL_FEED_CYCLE_MS = '60000';
  process.env.KESTREL_FEED_SWING_BPS = '20';
  process.env.KESTREL_FEED_SPEED = '60';
  process.env.KESTREL_RISK_PASSPHRASE = 'correct horse battery';
  t = await startTestHost();
});
afterAll(async () => {
  await t.close();
  for (const k of ['KESTREL_FEED_TICK_MS', 'KESTREL_FEED_CYCLE_MS', 'KESTREL_FEED_SWING_BPS', 'KESTREL_FEED_SPEED', 'KESTREL_RISK_PASSPHRASE']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

type Override = { payload: { action: string; reason: string; by: string; details: Record<string, unknown> } };

describe('risk engine in a paper session', () => {
  it('halts at the daily loss, overrides with re-authentication and expiry, flattens with the kill switch, reports', async () => {
    const c = t.client;
    expect(await c.call('risk.profile', {})).toMatchObject({ name: 'standard', maxDailyLossPct: 5, drawdownHaltPct: 15, maxOpenPositions: 10 });
    const bad = await failure(c.call('risk.setProfile', { profile: { name: 'x', maxLeverage: -1 } }));
    expect(bad.code).toBe('validation');
    // A loss limit of 1 USDT: the taker fee of the entry alone (0.1 % of ~1,150) crosses it.
    const st0 = await c.call('risk.setProfile', { profile: { name: 'tight', maxDailyLoss: '1', maxPositionPctEquity: 100 } });
    expect(st0.account).toMatchObject({ profile: 'tight', timeZone: 'UTC', dailyLossLimit: 1 });
    await c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.5' });
    const halted = await until('the daily loss to halt the account', async () => {
      const s = await c.call('risk.status', {});
      return s.tradingState === 'halted' ? s : undefined;
    });
    expect(halted.stateReason).toMatch(/daily loss reached its limit/);
    expect(halted.events.find((e) => e.kind === 'alert')).toMatchObject({ rule: 'max_daily_loss', limit: 1, state: 'halted' });
    expect(halted.since).toBeGreaterThan(0);
    const refused = await failure(c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' }));
    expect(riskReasonsOf(refused).map((r) => r.rule)).toEqual(['trading_halted', 'max_daily_loss']);
    expect(riskReasonsOf(refused)[1]).toMatchObject({ limit: 1 });

    // Overrides: re-authenticated, within the ceilings, reasoned.
    expect((await failure(c.call('risk.override', { reason: 'trim ETH', minutes: 1, state: 'reducing-only', passphrase: 'wrong one!' }))).code).toBe('unauthorized');
    expect((await failure(c.call('risk.override', { reason: 'trim ETH', minutes: 1, state: 'reducing-only' }))).code).toBe('unauthorized');
    const ceiling = await failure(c.call('risk.override', { reason: 'trim ETH', minutes: 120, state: 'reducing-only', passphrase: 'correct horse battery' }));
    expect(ceiling.code).toBe('validation');
    expect(ceiling.message).toMatch(/minutes: at most 60 minutes/);
    expect((await failure(c.call('risk.override', { reason: 'x', minutes: 1, state: 'reducing-only', passphrase: 'correct horse battery' }))).code).toBe('validation');
    // Named as the workstation names it (the account it shows).
    const account = (await c.call('accounts.list', {})).selected;
    const ov = await c.call('risk.override', { account, reason: 'trim ETH', minutes: 1, state: 'reducing-only', passphrase: 'correct horse battery' });
    expect(ov.tradingState).toBe('reducing-only');
    expect(ov.override).toMatchObject({ reason: 'trim ETH', state: 'reducing-only' });
    expect(ov.override!.until - ov.override!.since).toBe(60_000);
    const audits = () => t.host.services.ledger.audit.read({ kind: 'override', limit: 1000 }).map((e) => (JSON.parse(e.body) as { data: Override }).data);
    const started = audits().find((o) => o.payload.action === 'risk-override')!;
    expect(started.payload).toMatchObject({ reason: 'trim ETH', details: { what: { state: 'reducing-only', limits: null }, from: 'halted', until: ov.override!.until } });
    expect(started.payload.by).toMatch(/\(passphrase\) via /);

    // One reducing order goes through; an increasing one is still refused, naming why.
    const more = await failure(c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' }));
    expect(riskReasonsOf(more).map((r) => r.rule)).toEqual(['reducing_only', 'max_daily_loss']);
    const { orders } = await c.call('trading.submit', { symbol: 'ETH/USDT', side: 'sell', type: 'market', qty: '0.1' });
    await until('the reducing order to fill', async () => (await c.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === orders[0]!.clientOrderId)?.state === 'filled');

    // It expires on its own: back to halted, audited.
    const back = await until('the override to expire', async () => {
      const s = await c.call('risk.status', {});
      return s.override === null && s.tradingState === 'halted' ? s : undefined;
    });
    expect(back.stateReason).toMatch(/expired/);
    expect(audits().find((o) => o.payload.action === 'risk-override-ended')!.payload).toMatchObject({ reason: 'expired', by: 'system' });
    expect(riskReasonsOf(await failure(c.call('trading.submit', { symbol: 'ETH/USDT', side: 'sell', type: 'market', qty: '0.1' }))).map((r) => r.rule)).toEqual(['trading_halted']);

    // The kill switch flattens the rest.
    const k = await c.call('risk.killSwitch', { reason: 'done for the day' });
    expect(k.flattening).toBe(1);
    await until('the position to be closed', async () => (await c.call('trading.positions', {})).positions.every((p) => p.qty === '0'));

    const report = await c.call('risk.report', {});
    const json = JSON.parse(report.json) as { schema: string; tradingState: string; events: { rule: string }[] };
    expect(json).toMatchObject({ schema: 'kestrel.risk-report/1', tradingState: 'halted' });
    expect(json.events.map((e) => e.rule)).toContain('max_daily_loss');
    expect(report.csv.split('\n')[0]).toBe('section,name,value,limit,use');
    expect(report.csv).toMatch(/limit,daily loss,[\d.]+,1,/);
    expect(report.html).toContain('Daily risk report');
  });
});
