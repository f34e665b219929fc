/**
 * Saved strategies in the running paper session, through the real host and the in-memory transport: the
 * demo feed runs 60x faster than the wall clock (KESTREL_FEED_SPEED), so a 1m bar closes every second and a
 * fast SMA crossover trades within seconds. Orders pass the session's risk gate and land in the same
 * blotter as ticket orders; the session is never restarted by start/stop/reload.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperStrategyView } from '../../../main/contract/paper-strategy.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { failure, fastFeedEnv, until } from './support.ts';

let t: TestHost;
const states: PaperStrategyView[] = [];
beforeAll(async () => {
  fastFeedEnv();
  process.env.KESTREL_FEED_TICK_MS = '250'; // simulated ms: 240 prints per real second at 60x
  process.env.KESTREL_FEED_CYCLE_MS = '150000'; // bars that trend up and down: crossovers every minute or two
  process.env.KESTREL_FEED_SPEED = '60';
  t = await startTestHost();
  delete process.env.KESTREL_FEED_SPEED;
  fastFeedEnv();
  t.client.on('paper.strategy.state', (v) => void states.push(v));
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const sma = TEMPLATES.find((x) => x.id === 'sma-crossover')!.doc;
const rules = (params: Record<string, number>): string => JSON.stringify({ ...sma, params: { ...(sma.params as object), ...params } }, null, 2);

async function runOf(runId: string): Promise<PaperStrategyView> {
  const { strategies } = await t.client.call('paper.strategy.list', {});
  const r = strategies.find((s) => s.runId === runId);
  if (!r) throw new Error(`run ${runId} not listed`);
  return r;
}

describe('strategies in the paper session', () => {
  let smaId = '';

  it('runs a saved template with fast parameters: orders pass the risk gate and fill', async () => {
    const session = await t.client.call('trading.session', {});
    const v1 = await t.client.call('strategy.save', { name: 'fast sma', kind: 'rules', source: rules({ fast: 1, slow: 2, equityPct: 5 }) });
    smaId = v1.id;
    const fills: string[] = [];
    const off = t.client.on('trading.fill', (p) => void fills.push(p.fill.clientOrderId));
    const run = await t.client.call('paper.strategy.start', { strategyId: v1.id, symbol: 'BTC/USDT', timeframe: '1m' });
    expect(run).toMatchObject({ state: 'running', version: 1, hash: v1.hash, symbol: 'BTC/USDT', timeframe: '1m', orders: 0, sessionId: session.sessionId });
    const traded = await until('strategy fills', async () => {
      const r = await runOf(run.runId);
      return r.fills >= 2 && r;
    }, 30_000);
    off();
    expect(traded.bars).toBeGreaterThanOrEqual(2);
    expect(traded.orders).toBeGreaterThanOrEqual(2);
    // Its orders are session orders like the ticket's: source `strategy`, in the same blotter and ledger.
    const history = (await t.client.call('trading.orderHistory', { symbol: 'BTC/USDT' })).orders.filter((o) => o.source === 'strategy');
    expect(history.length).toBeGreaterThanOrEqual(traded.orders);
    expect(fills.filter((id) => history.some((o) => o.clientOrderId === id)).length).toBeGreaterThanOrEqual(2);
    expect(states.some((s) => s.runId === run.runId && s.fills > 0)).toBe(true);
    // The same session: nothing restarted.
    expect((await t.client.call('trading.session', {})).sessionId).toBe(session.sessionId);
    // Audited: the start as a config change, each decision bar with the version hash.
    const audit = t.host.services.ledger.audit;
    expect(audit.read({ kind: 'config-change', limit: 1000 }).some((e) => e.body.includes(run.runId) && e.body.includes('"action":"start"'))).toBe(true);
    expect(audit.read({ kind: 'bar', limit: 1000 }).some((e) => e.body.includes(v1.hash))).toBe(true);
    await t.client.call('paper.strategy.stop', { runId: run.runId });
  }, 40_000);

  it('hot-reloads a running strategy to another saved version and rolls back, without a new session', async () => {
    const sessionId = (await t.client.call('trading.session', {})).sessionId;
    const v2 = await t.client.call('strategy.save', { id: smaId, name: 'fast sma', kind: 'rules', source: rules({ fast: 2, slow: 3, equityPct: 5 }) });
    expect(v2.version).toBe(2);
    const run = await t.client.call('paper.strategy.start', { strategyId: smaId, version: 1, symbol: 'ETH/USDT', timeframe: '1m' });
    expect(run.version).toBe(1);
    await until('a bar on v1', async () => (await runOf(run.runId)).bars >= 1);
    const reloaded = await t.client.call('paper.strategy.reload', { runId: run.runId, version: 2 });
    expect(reloaded).toMatchObject({ state: 'running', version: 2, hash: v2.hash, sessionId });
    const barsAt = reloaded.bars;
    await until('a bar on v2', async () => (await runOf(run.runId)).bars > barsAt);
    // Decision bars after the reload carry the new hash.
    expect(t.host.services.ledger.audit.read({ kind: 'bar', limit: 5000 }).some((e) => e.body.includes(v2.hash))).toBe(true);
    const back = await t.client.call('paper.strategy.reload', { runId: run.runId, rollback: true });
    expect(back.version).toBe(1);
    expect(back.history.map((h) => [h.by, h.version])).toEqual([['start', 1], ['reload', 2], ['rollback', 1]]);
    expect((await failure(t.client.call('paper.strategy.reload', { runId: run.runId, rollback: true }))).code).toBe('validation');
    expect((await failure(t.client.call('paper.strategy.reload', { runId: run.runId, version: 99 }))).code).toBe('not_found');
    expect((await runOf(run.runId)).state).toBe('running'); // a refused reload changes nothing
    expect((await t.client.call('trading.session', {})).sessionId).toBe(sessionId);
    await t.client.call('paper.strategy.stop', { runId: run.runId });
  }, 40_000);

  it('stop cancels the run\'s working orders and leaves the trader\'s own', async () => {
    const resting = `export default {
      onCandle(ctx, bar) {
        if (ctx.bar() === 0) ctx.order({ side: 'buy', type: 'limit', qty: 20 / bar.close, price: bar.close * 0.98 });
      },
    };`;
    const saved = await t.client.call('strategy.save', { name: 'resting bid', kind: 'code', source: resting });
    const mine = (await t.client.call('trading.prices', {})).prices.find((p) => p.symbol === 'SOL/USDT')!;
    const manual = (await t.client.call('trading.submit', { symbol: 'SOL/USDT', side: 'buy', type: 'limit', qty: '0.1', price: (Number(mine.price) * 0.97).toFixed(2) })).orders[0]!;
    const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'SOL/USDT', timeframe: '1m' });
    const working = await until('a resting strategy order', async () => {
      const r = await runOf(run.runId);
      return r.workingOrders === 1 && r;
    }, 20_000);
    expect(working.orders).toBe(1);
    const open = (await t.client.call('trading.openOrders', { symbol: 'SOL/USDT' })).orders;
    const ours = open.find((o) => o.source === 'strategy')!;
    expect(ours).toBeDefined();
    const stopped = await t.client.call('paper.strategy.stop', { runId: run.runId });
    expect(stopped).toMatchObject({ state: 'stopped', lastError: null });
    await until('the strategy order canceled', async () => {
      const now = (await t.client.call('trading.orderHistory', { symbol: 'SOL/USDT' })).orders.find((o) => o.clientOrderId === ours.clientOrderId);
      return now?.state === 'canceled';
    });
    expect((await runOf(run.runId)).workingOrders).toBe(0);
    const still = (await t.client.call('trading.openOrders', { symbol: 'SOL/USDT' })).orders.map((o) => o.clientOrderId);
    expect(still).toContain(manual.clientOrderId);
    await t.client.call('trading.cancel', { clientOrderId: manual.clientOrderId });
    const audit = t.host.services.ledger.audit.read({ kind: 'config-change', limit: 1000 });
    expect(audit.some((e) => e.body.includes(run.runId) && e.body.includes('"state":"stopped"'))).toBe(true);
  }, 30_000);

  it('a strategy that throws is stopped with its error; the session and the ticket keep working', async () => {
    const saved = await t.client.call('strategy.save', { name: 'thrower', kind: 'code', source: 'export default { onCandle(ctx) { if (ctx.bar() >= 1) throw new Error("boom on bar " + ctx.bar()); } };' });
    const sessionId = (await t.client.call('trading.session', {})).sessionId;
    const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' });
    const failed = await until('the strategy failed', async () => {
      const r = await runOf(run.runId);
      return r.state === 'error' && r;
    }, 20_000);
    expect(failed.lastError).toMatch(/boom on bar 1/);
    expect(states.some((s) => s.runId === run.runId && s.state === 'error')).toBe(true);
    expect(t.host.services.ledger.audit.read({ kind: 'override', limit: 1000 }).some((e) => e.body.includes('strategy-fault') && e.body.includes('boom'))).toBe(true);
    // The session keeps running: prices move on and a ticket order fills.
    expect(await t.client.call('trading.session', {})).toMatchObject({ sessionId, status: 'running' });
    const fill = new Promise<string>((resolve) => {
      const off = t.client.on('trading.fill', (p) => (off(), resolve(p.fill.clientOrderId)));
    });
    const { orders } = await t.client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' });
    expect(await fill).toBe(orders[0]!.clientOrderId);
    // Stopping a failed run is harmless; starting again works.
    expect((await t.client.call('paper.strategy.stop', { runId: run.runId })).state).toBe('error');
  }, 30_000);

  it('counts risk rejections of a run and keeps it running', async () => {
    const saved = await t.client.call('strategy.save', { name: 'too big', kind: 'code', source: 'export default { onCandle(ctx) { if (ctx.bar() === 0) ctx.buy(10); } };' });
    const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' });
    const refused = await until('a refusal', async () => {
      const r = await runOf(run.runId);
      return r.rejections > 0 && r;
    }, 20_000);
    expect(refused).toMatchObject({ state: 'running', rejections: 1, orders: 0, lastError: null });
    expect(refused.lastRejection).toMatch(/notional/i);
    await t.client.call('paper.strategy.stop', { runId: run.runId });
  }, 30_000);

  it('aggregates 1m candles into the run\'s timeframe', async () => {
    const noop = await t.client.call('strategy.save', { name: 'watcher', kind: 'code', source: 'export default { onCandle() {} };' });
    const one = await t.client.call('paper.strategy.start', { strategyId: noop.id, symbol: 'BNB/USDT', timeframe: '1m' });
    const five = await t.client.call('paper.strategy.start', { strategyId: noop.id, symbol: 'BNB/USDT', timeframe: '5m' });
    await until('a 5m bar', async () => (await runOf(five.runId)).bars >= 1, 20_000);
    const [a, b] = [await runOf(one.runId), await runOf(five.runId)];
    expect(a.bars).toBeGreaterThanOrEqual(b.bars * 5 - 4);
    expect(a.bars).toBeLessThanOrEqual(b.bars * 5 + 5);
    const bars = t.host.services.ledger.audit.read({ kind: 'bar', limit: 10_000 }).filter((e) => e.body.includes('BNB/USDT'));
    expect(bars.length).toBeGreaterThan(0);
    await t.client.call('paper.strategy.stop', { runId: one.runId });
    await t.client.call('paper.strategy.stop', { runId: five.runId });
  }, 30_000);

  it('refuses bad requests with typed errors and keeps the list intact', async () => {
    const before = (await t.client.call('paper.strategy.list', {})).strategies.length;
    expect((await failure(t.client.call('paper.strategy.start', { strategyId: 'st-nope', symbol: 'BTC/USDT', timeframe: '1m' }))).code).toBe('not_found');
    expect((await failure(t.client.call('paper.strategy.start', { strategyId: smaId, symbol: 'DOGE/USDT', timeframe: '1m' }))).code).toBe('validation');
    expect((await failure(t.client.call('paper.strategy.start', { strategyId: smaId, symbol: 'BTC/USDT', timeframe: '3m' as '1m' }))).code).toBe('validation');
    expect((await failure(t.client.call('paper.strategy.start', { strategyId: smaId, symbol: 'BTC/USDT', timeframe: '1m', params: { fast: -5 } }))).code).toBe('validation');
    expect((await failure(t.client.call('paper.strategy.stop', { runId: 'ps-nope' }))).code).toBe('not_found');
    expect((await t.client.call('paper.strategy.list', {})).strategies.length).toBe(before);
  });
});
