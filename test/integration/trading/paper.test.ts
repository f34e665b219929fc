/**
 * The paper trading journey through the real host and the in-memory transport: the demo feed runs in
 * wall-clock time (sped up), orders go ticket → risk gate → kernel → paper venue, fills land in the SQLite
 * ledger and come back as events, positions and P&L follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { riskReasonsOf } from '../../../main/contract/trading.ts';
import { money, moneyToString } from '../../../main/core/model/index.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, fastFeedEnv, lastPrice, offset, sum, until } from './support.ts';

let t: TestHost;
beforeAll(async () => {
  fastFeedEnv();
  t = await startTestHost();
});
afterAll(async () => {
  await t.close();
});

describe('paper trading session', () => {
  it('starts with the host: a paper account, demo instruments and live prices', async () => {
    const s = await t.client.call('trading.session', {});
    expect(s).toMatchObject({ mode: 'paper', accountId: 'paper-1', status: 'running', feedTickMs: 10 });
    const { instruments } = await t.client.call('trading.instruments', {});
    const btc = instruments.find((i) => i.symbol === 'BTC/USDT')!;
    expect(btc).toMatchObject({ base: 'BTC', quote: 'USDT', tickSize: '0.01', lotSize: '0.00001', minNotional: '5', demo: true });
    const ticks = new Promise<{ prices: { symbol: string }[] }>((resolve) => {
      const off = t.client.on('trading.ticks', (p) => (off(), resolve(p)));
    });
    expect((await ticks).prices.map((p) => p.symbol)).toContain('BTC/USDT');
    const acct = await t.client.call('trading.account', {});
    expect(acct).toMatchObject({ currency: 'USDT', startingBalance: '10000', cash: '10000', equity: '10000' });
  });

  it('knows every price from the moment the host is up', async () => {
    process.env.KESTREL_FEED_TICK_MS = '60000'; // no timer tick during this test: only the opening print
    const fresh = await startTestHost();
    fastFeedEnv();
    try {
      const { prices } = await fresh.client.call('trading.prices', {});
      expect(prices.map((p) => p.symbol).sort()).toEqual(['BNB/USDT', 'BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    } finally {
      await fresh.close();
    }
  });

  it('fills a limit order placed near the market once the price crosses; position and P&L follow', async () => {
    const fills: string[] = [];
    const offFill = t.client.on('trading.fill', (p) => fills.push(p.fill.clientOrderId));
    const portfolios: unknown[] = [];
    const offPf = t.client.on('trading.portfolio', (p) => portfolios.push(p));
    // 5 bps under the market: the swing crosses it within a cycle. On a loaded machine the feed may print
    // between reading the price and the preview; price again when the market already went through it.
    const { price, preview } = await until('a price 5 bps under the market at the preview', async () => {
      const price = offset(await lastPrice(t.client, 'BTC/USDT'), -5, 2);
      const preview = await t.client.call('trading.preview', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.001', price });
      return preview.lastPrice !== null && money(price) < money(preview.lastPrice) ? { price, preview } : undefined;
    });
    expect(preview).toMatchObject({ ok: true, reasons: [], price, qty: '0.001', liquidity: 'maker', snapped: false });
    expect(preview.notional).toBe(moneyToString((money(price) * money('0.001')) / 10n ** 18n));
    const { orders } = await t.client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.001', price });
    expect(orders).toHaveLength(1);
    const id = orders[0]!.clientOrderId;
    expect(orders[0]).toMatchObject({ state: 'accepted', price, qty: '0.001', source: 'ticket', open: true });
    expect((await t.client.call('trading.openOrders', {})).orders.map((o) => o.clientOrderId)).toContain(id);

    // Priced at the swing's trough, 5 bps under may be below every regular print: the feed's sweep (every 60 s,
    // 5 bps under the lowest print since the last one) is what fills it then.
    const done = await until('the order to fill', async () => {
      const h = (await t.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === id);
      return h?.state === 'filled' && h;
    }, 90_000);
    expect(done.avgFillPrice).toBe(price); // a resting limit fills at its own price
    expect(fills).toContain(id);
    const myFills = (await t.client.call('trading.fills', {})).fills.filter((f) => f.clientOrderId === id);
    expect(sum(myFills.map((f) => f.qty))).toBe(money('0.001'));
    for (const f of myFills) expect(f).toMatchObject({ price, liquidity: 'maker', feeCurrency: 'USDT' });

    const pos = (await t.client.call('trading.positions', {})).positions.find((p) => p.symbol === 'BTC/USDT')!;
    expect(pos).toMatchObject({ qty: '0.001', side: 'long', avgPrice: price });
    const acct = await t.client.call('trading.account', {});
    // Exact ledger: cash = start − notional − fees; equity = cash + qty × mark; unrealized = qty × (mark − entry).
    const notional = sum(myFills.map((f) => f.notional));
    const fees = sum(myFills.map((f) => f.fee));
    expect(money(acct.cash)).toBe(money('10000') - notional - fees);
    expect(money(acct.fees)).toBe(fees);
    const mark = money(pos.markPrice!);
    expect(money(pos.unrealizedPnl)).toBe(((mark - money(price)) * money('0.001')) / 10n ** 18n);
    expect(money(acct.equity)).toBe(money(acct.cash) + (mark * money('0.001')) / 10n ** 18n);
    await until('a portfolio event', async () => portfolios.length > 0);
    offFill();
    offPf();
  }, 120_000);

  it('cancels a resting order, and refuses to cancel it twice', async () => {
    const last = await lastPrice(t.client, 'ETH/USDT');
    const price = offset(last, -300, 2); // 3 % under: rests, inside the 5 % fat-finger band
    const { orders } = await t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.01', price });
    const id = orders[0]!.clientOrderId;
    const updates: string[] = [];
    const off = t.client.on('trading.orders', (p) => p.orders.forEach((o) => o.clientOrderId === id && updates.push(o.state)));
    await t.client.call('trading.cancel', { clientOrderId: id });
    await until('the canceled event', async () => updates.includes('canceled'));
    expect((await t.client.call('trading.openOrders', {})).orders.map((o) => o.clientOrderId)).not.toContain(id);
    expect((await t.client.call('trading.orderHistory', { symbol: 'ETH/USDT' })).orders.find((o) => o.clientOrderId === id)).toMatchObject({ state: 'canceled', open: false });
    const again = await failure(t.client.call('trading.cancel', { clientOrderId: id }));
    expect(again.code).toBe('conflict');
    expect((await failure(t.client.call('trading.cancel', { clientOrderId: 'no-such-order' }))).code).toBe('not_found');
    off();
  });

  it('amends a resting order\'s price and size exactly, through the risk gate; refuses off-grid, oversized and finished', async () => {
    const last = await lastPrice(t.client, 'ETH/USDT');
    const { orders } = await t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.01', price: offset(last, -300, 2) });
    const id = orders[0]!.clientOrderId;
    const price = offset(last, -250, 2);
    const { order } = await t.client.call('trading.amend', { clientOrderId: id, price, qty: '0.02' });
    expect(order).toMatchObject({ clientOrderId: id, state: 'accepted', price, qty: '0.02' });
    expect((await t.client.call('trading.openOrders', { symbol: 'ETH/USDT' })).orders.find((o) => o.clientOrderId === id)).toMatchObject({ price, qty: '0.02' });
    const events = t.host.services.ledger.audit.read({ kind: 'order', limit: 100_000 }).map((l) => (JSON.parse(l.body) as { data: { payload: { event: string; order: { clientOrderId: string } } } }).data).filter((e) => e.payload.order.clientOrderId === id).map((e) => e.payload.event);
    expect(events).toEqual(expect.arrayContaining(['pending-amend', 'amended']));
    const offGrid = await failure(t.client.call('trading.amend', { clientOrderId: id, price: '1.001' }));
    expect(offGrid.code).toBe('validation');
    expect(((offGrid.details?.issues ?? []) as { path: string }[]).map((i) => i.path)).toEqual(['price']);
    expect((await failure(t.client.call('trading.amend', { clientOrderId: id, qty: '500' }))).code).toBe('risk_rejected');
    expect((await failure(t.client.call('trading.amend', { clientOrderId: id }))).code).toBe('validation');
    await t.client.call('trading.cancel', { clientOrderId: id });
    await until('canceled', async () => !(await t.client.call('trading.openOrders', {})).orders.some((o) => o.clientOrderId === id));
    expect((await failure(t.client.call('trading.amend', { clientOrderId: id, price }))).code).toBe('conflict');
    expect((await failure(t.client.call('trading.amend', { clientOrderId: 'no-such-order', price }))).code).toBe('not_found');
  });

  it('refuses to move a stop\'s trigger through the market unless confirmed, as at submit', async () => {
    const last = await lastPrice(t.client, 'ETH/USDT');
    const { orders } = await t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'stop', qty: '0.01', triggerPrice: offset(last, 300, 2) });
    const id = orders[0]!.clientOrderId;
    const through = offset(last, -300, 2);
    const refused = await failure(t.client.call('trading.amend', { clientOrderId: id, triggerPrice: through }));
    expect(refused.code).toBe('validation');
    expect(refused.details?.triggersNow).toBe(true);
    expect(refused.message).toContain('would trigger at once');
    // Unchanged: still resting at its trigger above the market.
    expect((await t.client.call('trading.openOrders', { symbol: 'ETH/USDT' })).orders.find((o) => o.clientOrderId === id)).toMatchObject({ triggerPrice: offset(last, 300, 2) });
    // Up or away from the market needs no confirmation; through it, confirmed, it triggers and fills.
    await t.client.call('trading.amend', { clientOrderId: id, triggerPrice: offset(last, 400, 2) });
    await t.client.call('trading.amend', { clientOrderId: id, triggerPrice: through, confirmTriggerNow: true });
    await until('the confirmed stop filled', async () => (await t.client.call('trading.fills', { symbol: 'ETH/USDT' })).fills.some((f) => f.clientOrderId === id));
  });

  it('audits a ticket refused at preview, marked as a preview, with its reasons', async () => {
    const last = await lastPrice(t.client, 'SOL/USDT');
    const far = offset(last, -2_000, 3);
    const count = () => t.host.services.ledger.audit.read({ kind: 'risk-verdict', limit: 100_000 }).filter((v) => v.body.includes('"stage":"preview"')).length;
    const before = count();
    const ok = await t.client.call('trading.preview', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '0.1', price: offset(last, -20, 3) });
    expect(ok.ok).toBe(true);
    expect(count()).toBe(before); // a passing preview decides nothing
    const pv = await t.client.call('trading.preview', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '1', price: far });
    expect(pv.ok).toBe(false);
    const mine = t.host.services.ledger.audit.read({ kind: 'risk-verdict', limit: 100_000 }).filter((v) => v.body.includes('"stage":"preview"'));
    expect(mine.length).toBe(before + 1);
    const payload = (JSON.parse(mine.at(-1)!.body) as { data: { payload: { ok: boolean; reasons: { rule: string }[]; source: string } } }).data.payload;
    expect(payload).toMatchObject({ ok: false, source: 'ticket' });
    expect(payload.reasons.map((r) => r.rule)).toEqual(['price_band']);
  });

  it('rejects through the risk gate with machine-readable reasons, and stores nothing', async () => {
    const before = (await t.client.call('trading.orderHistory', {})).orders.length;
    const auditBefore = t.host.services.ledger.ledger.sessionOrders((await t.client.call('trading.session', {})).sessionId).length;
    const big = await failure(t.client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '5' }));
    expect(big.code).toBe('risk_rejected');
    const rules = riskReasonsOf(big).map((r) => r.rule);
    expect(rules).toContain('max_order_notional');
    expect(riskReasonsOf(big).find((r) => r.rule === 'max_order_notional')).toMatchObject({ limit: '50000' });

    const last = await lastPrice(t.client, 'SOL/USDT');
    const far = offset(last, -2_000, 3); // 20 % away: a fat finger
    const band = await failure(t.client.call('trading.submit', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '1', price: far }));
    expect(riskReasonsOf(band).map((r) => r.rule)).toEqual(['price_band']);
    const pv = await t.client.call('trading.preview', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '1', price: far });
    expect(pv.ok).toBe(false);
    expect(pv.reasons.map((r) => r.rule)).toEqual(['price_band']);

    expect((await t.client.call('trading.orderHistory', {})).orders.length).toBe(before);
    expect(t.host.services.ledger.ledger.sessionOrders((await t.client.call('trading.session', {})).sessionId).length).toBe(auditBefore);
    const verdicts = t.host.services.ledger.audit.read({ kind: 'risk-verdict', limit: 10_000 });
    expect(verdicts.some((v) => v.body.includes('price_band'))).toBe(true);
  });

  it('refuses invalid decimal input with typed validation errors naming the field, storing nothing', async () => {
    const sessionId = (await t.client.call('trading.session', {})).sessionId;
    const stored = () => t.host.services.ledger.ledger.sessionOrders(sessionId).length;
    const before = stored();
    const base = { symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.001', price: '40000' } as const;
    const bad: [Record<string, unknown>, string][] = [
      [{ price: 'NaN' }, 'price'],
      [{ price: '-40000' }, 'price'],
      [{ price: '4e4' }, 'price'],
      [{ price: '' }, 'price'],
      [{ price: 40000 }, 'price'],
      [{ price: '40000.001' }, 'price'], // off the 0.01 tick
      [{ price: '0' }, 'price'],
      [{ qty: 'NaN' }, 'qty'],
      [{ qty: '-0.001' }, 'qty'],
      [{ qty: '0.000001' }, 'qty'], // off the 0.00001 lot
      [{ qty: '99999999999999999999999' }, 'qty'], // huge
      [{ price: '999999999999999999999999.99' }, 'price'],
      [{ equityPct: '10' }, 'qty'], // qty and equityPct together
      [{ triggerPrice: '39000' }, 'triggerPrice'], // not used by a limit order
    ];
    for (const [change, field] of bad) {
      const e = await failure(t.client.call('trading.submit', { ...base, ...change } as never));
      expect(e.code, JSON.stringify(change)).toBe('validation');
      const issues = (e.details?.issues ?? []) as { path: string }[];
      expect(issues.map((i) => i.path).join(','), JSON.stringify(change)).toContain(field);
      // Preview snaps an off-tick price to the nearest tick and says so; everything else fails as submit does.
      if (change.price === '40000.001') {
        expect(await t.client.call('trading.preview', { ...base, price: '40000.001' })).toMatchObject({ snapped: true, price: '40000' });
        continue;
      }
      const p = await failure(t.client.call('trading.preview', { ...base, ...change } as never));
      expect(p.code).toBe('validation');
    }
    expect(stored()).toBe(before);
  });

  it('kill switch halts trading and cancels every order; audited; trading resumes when set active', async () => {
    const eth = await lastPrice(t.client, 'ETH/USDT');
    const sol = await lastPrice(t.client, 'SOL/USDT');
    await t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.01', price: offset(eth, -300, 2) });
    // A buy: a spot sell of SOL the account does not hold is refused (strict spot balances).
    await t.client.call('trading.submit', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '1', price: offset(sol, -300, 3) });
    const open = (await t.client.call('trading.openOrders', {})).orders.length;
    expect(open).toBeGreaterThanOrEqual(2);
    const states: string[] = [];
    const off = t.client.on('risk.state', (s) => states.push(s.tradingState));
    const k = await t.client.call('risk.killSwitch', { reason: 'test: runaway' });
    expect(k.canceled).toBe(open);
    expect(k.status).toMatchObject({ tradingState: 'halted', stateReason: 'test: runaway' });
    // What is still open is the kill switch's own flatten: reduce-only system market orders, one per position.
    const held = (await t.client.call('trading.positions', {})).positions.filter((p) => p.qty !== '0');
    const left = (await t.client.call('trading.openOrders', {})).orders;
    expect(k.flattening).toBe(held.length);
    expect(left.every((o) => o.source === 'system' && o.reduceOnly && o.type === 'market')).toBe(true);
    await until('the positions to be closed', async () => (await t.client.call('trading.positions', {})).positions.every((p) => p.qty === '0') && (await t.client.call('trading.openOrders', {})).orders.length === 0);
    await until('a risk.state event', async () => states.includes('halted'));
    const blocked = await failure(t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' }));
    expect(riskReasonsOf(blocked).map((r) => r.rule)).toContain('trading_halted');
    const overrides = t.host.services.ledger.audit.read({ kind: 'override', limit: 1000 }).map((e) => (JSON.parse(e.body) as { data: { payload: { action: string; reason: string; details: { canceled: string[] } } } }).data);
    const kill = overrides.find((o) => o.payload.action === 'kill-switch')!;
    expect(kill.payload.reason).toBe('test: runaway');
    expect(kill.payload.details.canceled).toHaveLength(open);

    await t.client.call('risk.setTradingState', { state: 'active', reason: 'test over' });
    const { orders } = await t.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' });
    await until('the market order to fill', async () => (await t.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === orders[0]!.clientOrderId)?.state === 'filled');
    off();
  });

  it('changes risk limits (null clears, omitted keeps) and gates by them', async () => {
    const st = await t.client.call('risk.setLimits', { maxOrderNotional: '10', maxOpenOrders: null });
    expect(st.limits).toMatchObject({ maxOrderNotional: '10', maxOpenOrders: null, priceBandBps: 500 });
    const e = await failure(t.client.call('trading.submit', { symbol: 'SOL/USDT', side: 'buy', type: 'market', qty: '1' }));
    expect(riskReasonsOf(e).map((r) => r.rule)).toEqual(['max_order_notional']);
    expect((await failure(t.client.call('risk.setLimits', { maxOrderNotional: '-5' }))).code).toBe('validation');
    await t.client.call('risk.setLimits', { maxOrderNotional: '50000', maxOpenOrders: 50 });
  });

  it('places a bracket: entry, then take-profit and stop-loss held until the entry fills', async () => {
    const last = await lastPrice(t.client, 'BNB/USDT');
    const { orders } = await t.client.call('trading.submit', {
      symbol: 'BNB/USDT', side: 'buy', type: 'bracket', qty: '0.1', takeProfit: offset(last, 200, 2), stopLoss: offset(last, -200, 2),
    });
    expect(orders.map((o) => [o.type, o.tag])).toEqual([['market', null], ['limit', 'take-profit'], ['stop-market', 'stop-loss']]);
    const [entry, tp, sl] = orders.map((o) => o.clientOrderId);
    await until('the exits to go live', async () => {
      const open = (await t.client.call('trading.openOrders', {})).orders;
      return open.find((o) => o.clientOrderId === tp)?.state === 'accepted' && open.find((o) => o.clientOrderId === sl)?.state === 'accepted';
    });
    expect((await t.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === entry)?.state).toBe('filled');
    const wrong = await failure(t.client.call('trading.submit', { symbol: 'BNB/USDT', side: 'buy', type: 'bracket', qty: '0.1', takeProfit: offset(last, -200, 2), stopLoss: offset(last, -300, 2) }));
    expect(wrong.code).toBe('validation');
  });

  it('places an OCO that closes a position: the first leg to fill cancels the other', async () => {
    await t.client.call('trading.submit', { symbol: 'BNB/USDT', side: 'buy', type: 'market', qty: '0.2' });
    // The OCO sells what the account holds: spot balances are strict, so it waits for the buy to fill.
    await until('the buy to fill', async () => (await t.client.call('trading.positions', {})).positions.some((p) => p.symbol === 'BNB/USDT' && Number(p.qty) >= 0.2));
    // Legs 2 bps either side of the market: the feed reaches one of them within moments. The market can
    // also pass a leg between reading the price and placing the order (a loaded machine): then the OCO is
    // refused for its sides, rightly, and placed again around the new price.
    let last = '';
    let placed: Awaited<ReturnType<typeof t.client.call<'trading.submit'>>> | undefined;
    for (let attempt = 0; !placed && attempt < 10; attempt++) {
      last = await lastPrice(t.client, 'BNB/USDT');
      placed = await t.client.call('trading.submit', { symbol: 'BNB/USDT', side: 'sell', type: 'oco', qty: '0.2', takeProfit: offset(last, 2, 2), stopLoss: offset(last, -2, 2) }).catch((e: { code?: string; message?: string }) => {
        if (e.code === 'validation' && /must be (above|below) the last price/.test(e.message ?? '')) return undefined;
        throw e;
      });
    }
    const { orders } = placed!;
    expect(orders.map((o) => [o.type, o.side, o.groupKind])).toEqual([['limit', 'sell', 'oco'], ['stop-market', 'sell', 'oco']]);
    const ids = orders.map((o) => o.clientOrderId);
    const states = await until('one leg to fill and the other to be cancelled', async () => {
      const hist = (await t.client.call('trading.orderHistory', {})).orders.filter((o) => ids.includes(o.clientOrderId));
      const s = ids.map((id) => hist.find((o) => o.clientOrderId === id)?.state);
      return s.includes('filled') && s.includes('canceled') ? s : undefined;
    });
    expect(states.filter((x) => x === 'filled')).toHaveLength(1);
    // Wrong sides for a sell OCO: take-profit below the market, stop above.
    const wrong = await failure(t.client.call('trading.submit', { symbol: 'BNB/USDT', side: 'sell', type: 'oco', qty: '0.1', takeProfit: offset(last, -300, 2), stopLoss: offset(last, 300, 2) }));
    expect(wrong.code).toBe('validation');
    const pv = await t.client.call('trading.preview', { symbol: 'BNB/USDT', side: 'sell', type: 'oco', qty: '0.1', takeProfit: offset(last, 300, 2), stopLoss: offset(last, -300, 2) });
    expect(pv).toMatchObject({ type: 'oco', takeProfit: offset(last, 300, 2), stopLoss: offset(last, -300, 2) });
  });

  it('sizes by percent of equity, exactly, rounded down to the lot', async () => {
    const last = await lastPrice(t.client, 'ETH/USDT');
    const price = offset(last, -100, 2);
    const pv = await t.client.call('trading.preview', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', equityPct: '10', price });
    const equity = money(pv.equity);
    const lots = (equity / 10n) / ((money(price) * money('0.0001')) / 10n ** 18n);
    expect(money(pv.qty)).toBe(lots * money('0.0001'));
  });
});
