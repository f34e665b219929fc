/**
 * What outlives a host: the paper account (settings, risk limits, trading state, fills) and the live
 * candles the feed closed. Also the feed's hand-over from stored history: it continues from the last
 * stored demo close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, type EventName, type EventOf } from '../../../main/contract/index.ts';
import { createLogger } from '../../../main/host/log.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { TradingService } from '../../../main/host/trading/service.ts';
import { openLedger, openMarket } from '../../../main/storage/index.ts';
import { fastFeedEnv, lastPrice, offset, until } from './support.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'kestrel-trading-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(dataDir: string) {
  const host = await createHost({ mode: 'memory', dataDir });
  const client = createClient(connectInMemory(host.server));
  return { host, client, async close() { client.close(); await host.close(); } };
}

describe('paper account persistence', () => {
  it('keeps settings, limits, the halted state and positions across a restart; stale orders end; reset starts afresh', async () => {
    fastFeedEnv();
    const dir = tmp();
    const a = await open(dir);
    const s1 = await a.client.call('trading.session', {});
    const saved = await a.client.call('paper.setSettings', { startingBalance: '25000', makerFee: '0.0002', takerFee: '0.0005' });
    expect(saved).toMatchObject({ startingBalance: '25000', makerFee: '0.0002', takerFee: '0.0005', pendingReset: true });
    expect((await a.client.call('trading.account', {})).startingBalance).toBe('10000'); // applies on reset only
    await a.client.call('risk.setLimits', { priceBandBps: 900 });
    const { orders } = await a.client.call('trading.submit', { symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' });
    await until('the fill', async () => (await a.client.call('trading.orderHistory', {})).orders.find((o) => o.clientOrderId === orders[0]!.clientOrderId)?.state === 'filled');
    const eth = await lastPrice(a.client, 'ETH/USDT');
    const resting = (await a.client.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.01', price: offset(eth, -400, 2) })).orders[0]!;
    const acct1 = await a.client.call('trading.account', {});
    await a.client.call('risk.setTradingState', { state: 'reducing-only', reason: 'end of day' });
    await a.close();

    const b = await open(dir);
    const s2 = await b.client.call('trading.session', {});
    expect(s2.accountId).toBe('paper-1');
    expect(s2.sessionId).not.toBe(s1.sessionId);
    const risk = await b.client.call('risk.status', {});
    expect(risk).toMatchObject({ tradingState: 'reducing-only', stateReason: 'end of day' });
    expect(risk.limits.priceBandBps).toBe(900);
    const pos = (await b.client.call('trading.positions', {})).positions.find((p) => p.symbol === 'BTC/USDT');
    expect(pos?.qty).toBe('0.001');
    expect((await b.client.call('trading.account', {})).cash).toBe(acct1.cash);
    // The old session's resting order cannot fill any more: it is closed in the ledger, not left dangling.
    const stale = b.host.services.ledger.ledger.getOrder(s1.sessionId, resting.clientOrderId)!;
    expect(stale.order).toMatchObject({ state: 'canceled', reason: 'session_ended' });
    expect((await b.client.call('paper.settings', {})).pendingReset).toBe(true);

    const s3 = await b.client.call('paper.resetAccount', {});
    expect(s3.accountId).toBe('paper-2');
    expect(await b.client.call('trading.account', {})).toMatchObject({ startingBalance: '25000', cash: '25000' });
    expect(await b.client.call('paper.settings', {})).toMatchObject({ accountId: 'paper-2', pendingReset: false, makerFee: '0.0002' });
    expect((await b.client.call('trading.instruments', {})).instruments[0]).toMatchObject({ makerFee: '0.0002', takerFee: '0.0005' });
    expect((await b.client.call('trading.positions', {})).positions).toEqual([]);
    expect((await b.client.call('risk.status', {})).tradingState).toBe('active');
    const bad = await b.client.call('paper.setSettings', { takerFee: '0.5' }).catch((e: { code: string }) => e.code);
    expect(bad).toBe('validation');
    await b.close();
  });
});

describe('live candles and the hand-over from stored history', () => {
  it('continues from the last stored demo close, appends each closed minute to the market store and pushes it', () => {
    const dir = tmp();
    const market = openMarket(join(dir, 'market.db'));
    const ledger = openLedger(join(dir, 'ledger.db'));
    const t0 = Date.UTC(2026, 2, 1, 10, 0, 30);
    market.candles.upsert({ source: 'demo', symbol: 'BTC/USDT', timeframe: '1m' }, { ts: [t0 - 90_000], open: [50_000], high: [50_010], low: [49_990], close: [50_000.5], volume: [3] });
    let now = t0;
    const events: { ch: EventName; p: unknown }[] = [];
    const svc = new TradingService({
      ledger, candles: market.candles, log: createLogger('test', 'silent'), now: () => now, feed: { seed: 11, tickMs: 500 },
      emit: <K extends EventName>(ch: K, p: EventOf<K>) => void events.push({ ch, p }),
    });
    try {
      svc.start();
      now = t0 + 95_000; // past two minute boundaries
      svc.session.marketBatch(() => void svc.feed.pump());
      const first = events.find((e) => e.ch === 'trading.ticks')!.p as EventOf<'trading.ticks'>;
      const btc = Number(first.prices.find((x) => x.symbol === 'BTC/USDT')!.price);
      expect(Math.abs(btc / 50_000.5 - 1)).toBeLessThan(0.01);
      const closed = events.filter((e) => e.ch === 'trading.candle' && (e.p as EventOf<'trading.candle'>).closed && (e.p as EventOf<'trading.candle'>).symbol === 'BTC/USDT').map((e) => e.p as EventOf<'trading.candle'>);
      const m0 = t0 - 30_000;
      expect(closed.map((c) => c.ts)).toEqual([m0, m0 + 60_000]);
      const stored = market.candles.range({ source: 'demo', symbol: 'BTC/USDT', timeframe: '1m' });
      expect(Array.from(stored.ts)).toEqual([t0 - 90_000, m0, m0 + 60_000]);
      expect(stored.close[2]).toBe(closed[1]!.close);
      // The forming minute is pushed too, but not stored.
      expect(events.some((e) => e.ch === 'trading.candle' && !(e.p as EventOf<'trading.candle'>).closed && (e.p as EventOf<'trading.candle'>).ts === m0 + 120_000)).toBe(true);
    } finally {
      svc.close();
      ledger.db.close();
      market.db.close();
    }
  });

  it('on a first start waits for the demo history being generated, then continues from its last close', async () => {
    const dir = tmp();
    const market = openMarket(join(dir, 'market.db'));
    const ledger = openLedger(join(dir, 'ledger.db'));
    const svc = new TradingService({ ledger, candles: market.candles, log: createLogger('test', 'silent'), emit: () => {}, feed: { seed: 2, tickMs: 60_000 } });
    try {
      let finish!: () => void;
      const generating = new Promise<void>((r) => (finish = r));
      svc.startAfter(generating);
      let started = false;
      const waiting = svc.whenReady().then(() => (started = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(started).toBe(false);
      // The generator writes its history meanwhile; it ends at 61234.5 for ETH.
      market.candles.upsert({ source: 'demo', symbol: 'ETH/USDT', timeframe: '1m' }, { ts: [Date.UTC(2025, 0, 1)], open: [1], high: [61_300], low: [1], close: [61_234.5], volume: [1] });
      finish();
      await waiting;
      const eth = Number(svc.session.prices().find((p) => p.symbol === 'ETH/USDT')!.price);
      expect(Math.abs(eth / 61_234.5 - 1)).toBeLessThan(0.005);
    } finally {
      svc.close();
      ledger.db.close();
      market.db.close();
    }
  });
});
