/**
 * Equity history and per-strategy P&L through the real host and the in-memory transport: a fast strategy
 * and the ticket trade in the paper session (demo feed at 60x, a 1m bar a second); samples are stored and
 * pushed; the per-strategy rows add up to the account; after a restart the history and the strategy's row
 * are served from the ledger. Hostile requests are refused with typed errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type EventOf } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import { failure, fastFeedEnv, sum, until } from './support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dataDir: string) {
  const host = await createHost({ mode: 'memory', dataDir, env: { ...process.env, KESTREL_PAPER_PRICES: 'demo' } });
  const client = createClient(connectInMemory(host.server));
  return { host, client, async close() { client.close(); await host.close(); } };
}

const sma = TEMPLATES.find((x) => x.id === 'sma-crossover')!.doc;

describe('equity history and per-strategy P&L', () => {
  it('records samples on fills, splits P&L by strategy and manual, and serves both after a restart', async () => {
    fastFeedEnv();
    process.env.KESTREL_FEED_TICK_MS = '250';
    process.env.KESTREL_FEED_CYCLE_MS = '150000';
    process.env.KESTREL_FEED_SPEED = '60';
    const dir = mkdtempSync(join(tmpdir(), 'kestrel-equity-'));
    dirs.push(dir);
    const a = await open(dir);
    delete process.env.KESTREL_FEED_SPEED;
    const pushed: EventOf<'equity.sample'>[] = [];
    a.client.on('equity.sample', (e) => void pushed.push(e));

    const session = await a.client.call('trading.session', {});
    const first = await a.client.call('equity.history', {});
    expect(first.book).toBe(session.accountId);
    expect(first.currency).toBe('USDT');
    expect(first.samples[0]).toMatchObject({ reason: 'start', equity: '10000', cash: '10000', realized: '0', fees: '0' });

    const saved = await a.client.call('strategy.save', { name: 'fast sma', kind: 'rules', source: JSON.stringify({ ...sma, params: { ...(sma.params as object), fast: 1, slow: 2, equityPct: 5 } }) });
    const run = await a.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' });
    const manual = (await a.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.01' })).orders[0]!;
    await until('the manual fill', async () => (await a.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === manual.clientOrderId)?.state === 'filled', 30_000);
    const runs = async () => (await a.client.call('paper.strategy.list', {})).strategies.find((s) => s.runId === run.runId)!;
    await until('two strategy fills', async () => (await runs()).fills >= 2, 40_000);
    await a.client.call('paper.strategy.stop', { runId: run.runId });
    const stratFills = (await runs()).fills;

    const pnl = await a.client.call('equity.strategyPnl', {});
    const byKey = new Map(pnl.rows.map((r) => [r.key, r]));
    expect(byKey.get(`strategy:${saved.id}`)).toMatchObject({ label: 'fast sma', kind: 'strategy', fills: stratFills });
    expect(byKey.get('manual')).toMatchObject({ label: 'Manual', kind: 'manual', fills: 1, positions: [{ symbol: 'ETH/USDT', qty: '0.01' }] });
    // The rows add up to the account: P&L, fees and fills.
    expect(sum(pnl.rows.map((r) => r.realized)) + sum(pnl.rows.map((r) => r.unrealized))).toBe(sum([pnl.total.realized, pnl.total.unrealized]));
    expect(sum(pnl.rows.map((r) => r.fees))).toBe(sum([pnl.total.fees]));
    expect(pnl.total.fills).toBe(stratFills + 1);
    const acct = await a.client.call('trading.account', {});
    expect(pnl.total.fees).toBe(acct.fees);

    // Fill samples were stored and pushed; each sample's figures are the account's at that moment.
    const hist = await until('fill samples', async () => {
      const h = await a.client.call('equity.history', {});
      return h.samples.filter((s) => s.reason === 'fill').length >= 2 && h;
    }, 15_000);
    expect(pushed.some((e) => e.sample.reason === 'fill' && e.book === session.accountId)).toBe(true);
    const ts = hist.samples.map((s) => s.ts);
    expect([...ts].sort((x, y) => x - y)).toEqual(ts);
    const lastFill = hist.samples.filter((s) => s.reason === 'fill').at(-1)!;
    expect(sum([lastFill.fees])).toBeGreaterThan(0n);
    await a.close();

    const b = await open(dir);
    const again = await b.client.call('equity.history', {});
    // Everything stored before, then the first session's stop and the new session's start.
    expect(again.samples.slice(0, hist.samples.length).map((s) => s.ts)).toEqual(ts);
    expect(again.samples.map((s) => s.reason)).toContain('stop');
    expect(again.samples.at(-1)!.reason).toBe('start');
    const pnl2 = await b.client.call('equity.strategyPnl', {});
    expect(pnl2.rows.find((r) => r.key === `strategy:${saved.id}`)).toMatchObject({ label: 'fast sma', fills: stratFills });
    expect(pnl2.rows.find((r) => r.key === 'manual')?.fills).toBe(1);
    expect(pnl2.total.fees).toBe(pnl.total.fees);

    // Hostile requests: typed validation errors, nothing lost.
    for (const bad of [{ limit: 0 }, { from: -1 }, { to: 1.5 }, { book: '../../etc' }, { limit: 1e9 }, { evil: 1 }, { from: Number.NaN }] as unknown[]) {
      expect((await failure(b.client.call('equity.history', bad as never))).code).toBe('validation');
    }
    expect((await failure(b.client.call('equity.history', { book: 'someone-else' }))).code).toBe('validation');
    expect((await failure(b.client.call('equity.strategyPnl', { extra: true } as never))).code).toBe('validation');
    expect((await b.client.call('equity.history', {})).samples.length).toBe(again.samples.length);
    await b.close();
  }, 120_000);
});
