/**
 * Live markets through the contract, on the host's Kestrel Sim (its clock at 30× so a trade prints every
 * half second): market search with the exchange's tick/lot/min notional, the watchlist in the settings
 * document, subscriptions with pushed updates, closed 1m bars in market.db continuing the chart, health,
 * typed refusals, and subscriptions that end with their connection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type EventOf } from '../../../main/contract/index.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 60_000) => {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('live markets over the contract (Kestrel Sim)', () => {
  let t: TestHost;
  beforeAll(async () => {
    t = await startTestHost({ env: { KESTREL_SIM_SPEED: '30' } });
  });
  afterAll(() => t.close());

  it('searches a venue’s markets with tick size, lot step and min notional from the exchange', async () => {
    const r = await t.client.call('markets.search', { venue: 'kestrel-sim', query: 'btc' });
    expect(r.markets[0]).toEqual({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', type: 'spot', tickSize: '0.01', lotStep: '0.00001', minNotional: '5', settle: 'USDT' });
    expect((await t.client.call('markets.search', { venue: 'kestrel-sim' })).total).toBe(4);
    expect((await t.client.call('markets.search', { venue: 'kestrel-sim', query: 'usdt', limit: 2 })).markets).toHaveLength(2);
    expect((await t.client.call('markets.search', { venue: 'kestrel-sim', query: 'doge' })).total).toBe(0);
    await expect(t.client.call('markets.search', { venue: 'nowhere' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps the watchlist in settings.json; refuses duplicates and unknown venues, keeping what was stored', async () => {
    const items = [{ venue: 'kestrel-sim', symbol: 'ETH/USDT' }, { venue: 'kestrel-sim', symbol: 'BTC/USDT' }];
    expect((await t.client.call('watchlist.set', { items })).items).toEqual(items);
    expect((await t.client.call('watchlist.get', {})).items).toEqual(items);
    expect(JSON.parse(readFileSync(join(t.dataDir, 'settings.json'), 'utf8')).watchlist).toEqual(items);
    await expect(t.client.call('watchlist.set', { items: [items[0]!, items[0]!] })).rejects.toMatchObject({ code: 'validation' });
    await expect(t.client.call('watchlist.set', { items: [{ venue: 'nowhere', symbol: 'BTC/USDT' }] })).rejects.toMatchObject({ code: 'validation' });
    expect((await t.client.call('watchlist.get', {})).items).toEqual(items);
  });

  it('streams every kind, stores closed bars that continue the stored series, and reports health', async () => {
    const seen = new Map<string, EventOf<'streams.update'>[]>();
    const off = t.client.on('streams.update', (u) => {
      if (u.symbol === 'BTC/USDT') seen.set(u.kind, [...(seen.get(u.kind) ?? []), u]);
    });
    const sub = await t.client.call('streams.subscribe', { venue: 'kestrel-sim', symbol: 'BTC/USDT', kinds: ['ohlcv', 'trades', 'book', 'ticker'] });
    expect(sub.kinds).toEqual(['ohlcv', 'trades', 'book', 'ticker']);
    await until('an update of every kind', () => ['ohlcv', 'trades', 'book', 'ticker'].every((k) => seen.has(k)));
    const book = seen.get('book')!.at(-1)!;
    if (book.kind !== 'book') throw new Error('kind');
    expect(book.bids[0]![0]).toBeLessThan(book.asks[0]![0]);
    // The resync after connecting stored the week before the forming bar; later bars close live (30×: one per 2 s).
    await t.host.services.streams.settled();
    const stored0 = await t.client.call('market.datasets', {}).then((d) => d.find((x) => x.source === 'kestrel-sim' && x.symbol === 'BTC/USDT')!);
    expect(stored0.count).toBeGreaterThanOrEqual(7 * 1440 - 1);
    const closedLive = () => (seen.get('ohlcv') ?? []).flatMap((u) => (u.kind === 'ohlcv' ? u.bars : [])).filter((b) => b.closed && b.ts > stored0.lastTs);
    await until('two bars closed live', () => closedLive().length >= 2);
    // A closed bar is in market.db before its update goes out.
    const stored1 = await t.client.call('market.datasets', {}).then((d) => d.find((x) => x.source === 'kestrel-sim' && x.symbol === 'BTC/USDT')!);
    expect(stored1.lastTs).toBeGreaterThanOrEqual(closedLive()[1]!.ts);
    const health = (await t.client.call('streams.health', {})).venues.find((v) => v.venue === 'kestrel-sim')!;
    expect(health).toMatchObject({ state: 'live', connected: true, subscriptions: 4 });
    expect(health.barsStored).toBeGreaterThan(7 * 1440);
    expect(health.messages).toBeGreaterThan(0);
    await t.host.services.streams.settled();
    const q = await t.client.call('market.quality', { source: 'kestrel-sim', symbol: 'BTC/USDT', timeframe: '1m' });
    expect(q.gaps.count).toBe(0);
    expect(q.duplicates).toBe(0);
    const truth = (await t.host.services.sim.exchange()).symbol('BTCUSDT')!.candles;
    const stored = await t.client.call('market.candles', { source: 'kestrel-sim', symbol: 'BTC/USDT', timeframe: '1m' });
    const at = truth.ts.indexOf(stored.ts[0]!);
    for (let i = 0; i < stored.count; i += 97) expect([stored.ts[i], stored.open[i], stored.close[i], stored.volume[i]]).toEqual([truth.ts[at + i], truth.open[at + i], truth.close[at + i], truth.volume[at + i]]);
    expect(await t.client.call('streams.unsubscribe', { subscriptionId: sub.subscriptionId })).toEqual({ unsubscribed: true });
    expect(await t.client.call('streams.unsubscribe', { subscriptionId: sub.subscriptionId })).toEqual({ unsubscribed: false });
    off();
    await until('no subscriptions left', async () => (await t.client.call('streams.health', {})).venues.every((v) => v.subscriptions === 0));
  });

  it('refuses an unknown symbol and an unknown venue with typed errors; nothing keeps streaming', async () => {
    await expect(t.client.call('streams.subscribe', { venue: 'kestrel-sim', symbol: 'NOPE/USDT', kinds: ['trades'] })).rejects.toMatchObject({ code: 'not_found', message: expect.stringMatching(/NOPE\/USDT/) });
    await expect(t.client.call('streams.subscribe', { venue: 'nowhere', symbol: 'BTC/USDT', kinds: ['trades'] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(t.client.call('streams.subscribe', { venue: 'kestrel-sim', symbol: 'BTC/USDT', kinds: [] })).rejects.toMatchObject({ code: 'validation' });
    const h = (await t.client.call('streams.health', {})).venues.find((v) => v.venue === 'kestrel-sim')!;
    expect(h.subscriptions).toBe(0);
  });

  it('a connection’s subscriptions end when it closes', async () => {
    const other = createClient(connectInMemory(t.host.server, 'second-window'));
    await other.call('streams.subscribe', { venue: 'kestrel-sim', symbol: 'ETH/USDT', kinds: ['ticker'] });
    await until('subscribed', async () => ((await t.client.call('streams.health', {})).venues.find((v) => v.venue === 'kestrel-sim')?.subscriptions ?? 0) === 1);
    other.close();
    await until('released with the connection', async () => (await t.client.call('streams.health', {})).venues.find((v) => v.venue === 'kestrel-sim')!.subscriptions === 0);
  });
});
