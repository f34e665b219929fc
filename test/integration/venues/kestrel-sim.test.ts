/**
 * Venues: the registry shows each settings venue with ccxt's capabilities; Kestrel Sim is started by the
 * host only when first used and is reached through ccxt's real binance client, over one shared connection
 * (one rate limiter) however many jobs use it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '../../../main/contract/index.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

const DAY = 86_400_000;
// Kestrel Sim is a live market: 30 days of history up to now. A range well inside it.
const END = Math.floor(Date.now() / 60_000) * 60_000 - 2 * DAY;

describe('Kestrel Sim and the venue registry', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost();
  });
  afterAll(() => t.close());

  const backfill = async (symbol: string, from: number, to: number) => {
    const { jobId } = await t.client.call('market.backfill.start', { exchange: 'kestrel-sim', symbols: [symbol], timeframe: '1m', from, to });
    return new Promise<EventOf<'market.backfill.progress'>>((resolve) => {
      const off = t.client.on('market.backfill.progress', (e) => {
        if (e.jobId !== jobId || e.state === 'running') return;
        off();
        resolve(e);
      });
    });
  };

  it('lists the settings venues with what ccxt says each can do; Kestrel Sim is not started before use', async () => {
    const { venues } = await t.client.call('venues.list', {});
    const sim = venues.find((v) => v.id === 'kestrel-sim')!;
    expect(sim).toMatchObject({ name: 'Kestrel Sim', exchange: 'binance', builtin: true, started: false });
    expect(sim.capabilities).toMatchObject({ spot: true, ohlcv: true, trades: true, orderBook: true, websockets: true });
    expect(t.host.services.sim.started).toBe(false);
  });

  it('a backfill from Kestrel Sim starts it on demand and goes through ccxt to the loopback exchange, on one connection', async () => {
    const a = await backfill('BTC/USDT', END - DAY, END);
    expect(a.state).toBe('done');
    const b = await backfill('ETH/USDT', END - DAY / 2, END);
    expect(b.state).toBe('done');
    const sets = await t.client.call('market.datasets', {});
    const btc = sets.find((d) => d.source === 'kestrel-sim' && d.symbol === 'BTC/USDT' && d.timeframe === '1m')!;
    expect(btc.count).toBe(1440);
    expect(sets.find((d) => d.source === 'kestrel-sim' && d.symbol === 'ETH/USDT')!.count).toBe(720);
    expect(t.host.services.venues.size).toBe(1);
    expect((await t.client.call('venues.list', {})).venues.find((v) => v.id === 'kestrel-sim')!.started).toBe(true);
  });
});
