import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../../../main/contract/index.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { sliceColumns, type OhlcvColumns } from '../../../main/core/data/candles.ts';
import { KestrelError, NotFoundError, ValidationError } from '../../../main/core/errors.ts';
import { ReplayService, type ReplayCatalog } from '../../../main/host/trading/replay-service.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { rulesSource } from '../../../workers/backtest/backtester.ts';

const all = generateDemoCandles({ seed: 3, days: 1 }).get('BTC/USDT')!;
const t0 = all.ts[0]!;
const MIN = 60_000;
/** MarketService.candles' contract: bars opening in [from, to). */
function candles(q: { source: string; symbol: string; from: number; to: number }): OhlcvColumns {
  if (q.source !== 'demo' || q.symbol !== 'BTC/USDT') throw new NotFoundError('dataset', `${q.source} ${q.symbol}`);
  let a = 0;
  while (a < all.ts.length && all.ts[a]! < q.from) a++;
  let b = a;
  while (b < all.ts.length && all.ts[b]! < q.to) b++;
  return sliceColumns(all, a, b);
}

type Update = { status: { clock: number; state: string; barsDone: number } | null; bars: { ts: number }[]; orders: unknown[]; fills: unknown[]; reset: boolean };

function service(catalog?: ReplayCatalog) {
  const events: Update[] = [];
  let now = 1_000_000;
  const svc = new ReplayService({
    ...(catalog ? { catalog: () => catalog } : {}),
    candles, emit: ((ch: string, p: Update) => void (ch === 'replay.update' && events.push(p))) as never,
    log: { info: () => {}, warn: () => {} } as never, now: () => now,
  });
  return { svc, events, advance: (ms: number) => (now += ms) };
}

afterEach(() => vi.useRealTimers());

describe('replay service', () => {
  it('starts paused in a fresh account; context bars before the range, none after the clock', async () => {
    const { svc, events } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 + 100 * MIN, to: t0 + 400 * MIN, speed: 50 });
    expect(s).toMatchObject({ state: 'paused', barsDone: 0, barsTotal: 300, clock: t0 + 100 * MIN, speed: 50, startingBalance: '10000', equity: '10000', currency: 'USDT' });
    expect(s.fillModel).toMatch(/next bar.s open/);
    expect(events.at(-1)!.reset).toBe(true);
    // 100 bars of context before the range (all the data has), nothing delivered yet.
    expect(svc.bars().map((b) => b.ts)).toEqual(Array.from(all.ts.subarray(0, 100)));
    await svc.control({ action: 'step', bars: 5 });
    const shown = svc.bars();
    expect(shown).toHaveLength(105);
    expect(shown.at(-1)!.ts + MIN).toBe(svc.status()!.clock);
    expect(svc.bars(3).map((b) => b.ts)).toEqual([t0 + 102 * MIN, t0 + 103 * MIN, t0 + 104 * MIN]);
    svc.close();
  });

  it('plays on its timer, pushes the new bars, stops when paused; seek back asks the UI to reload', async () => {
    vi.useFakeTimers();
    const { svc, events, advance } = service();
    await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 600 * MIN, speed: 600 });
    await svc.control({ action: 'play' });
    // 600×: a 1m bar per 100 ms of wall time.
    advance(1_000);
    vi.advanceTimersByTime(100);
    const pushed = events.flatMap((e) => e.bars.map((b) => b.ts));
    expect(pushed).toEqual(Array.from(all.ts.subarray(0, 10)));
    expect(svc.status()!.state).toBe('playing');
    await svc.control({ action: 'pause' });
    const n = events.length;
    advance(5_000);
    vi.advanceTimersByTime(1_000);
    expect(events.length).toBe(n);
    expect(svc.status()!.barsDone).toBe(10);

    await svc.control({ action: 'seek', ts: t0 + 300 * MIN });
    // Forward: the bars in between are delivered and pushed.
    expect(events.at(-1)!).toMatchObject({ reset: false, status: { clock: t0 + 300 * MIN } });
    expect(events.at(-1)!.bars).toHaveLength(290);
    await svc.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' });
    expect(events.at(-1)!.orders).toHaveLength(1);
    await svc.control({ action: 'step' });
    expect((await svc.blotter()).fills).toHaveLength(1);
    await svc.control({ action: 'seek', ts: t0 + 200 * MIN });
    expect(events.at(-1)!.reset).toBe(true);
    expect((await svc.blotter()).orders).toHaveLength(0);
    await svc.control({ action: 'speed', speed: 'max' });
    expect(svc.status()!.speed).toBe('max');
    expect(await svc.control({ action: 'stop' })).toBeNull();
    expect(svc.status()).toBeNull();
    await expect(svc.control({ action: 'play' })).rejects.toThrow(KestrelError);
    // Fields the action does not take, or lacks, are typed validation errors.
    await expect(svc.control({ action: 'seek' })).rejects.toThrow(ValidationError);
    await expect(svc.control({ action: 'speed' })).rejects.toThrow(/needs speed/);
    await expect(svc.control({ action: 'play', ts: t0 })).rejects.toThrow(/takes no ts/);
    await expect(svc.control({ action: 'step', speed: 10 })).rejects.toThrow(ValidationError);
  });

  it('runs a saved strategy from the catalog; seeking back restarts it from scratch with the same trades', async () => {
    const doc = getTemplate('sma-crossover')!.doc;
    const catalog: ReplayCatalog = {
      get: (id) => ({ id, name: 'Crossover', kind: 'rules', version: { version: 3 } }),
      strategyFor: (_id, _v, params) => rulesSource(doc, params ?? {}).create('BTC/USDT'),
    };
    const { svc } = service(catalog);
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 800 * MIN, strategyId: 'cross', params: { fast: 5, slow: 20 } });
    expect(s.strategy).toEqual({ id: 'cross', name: 'Crossover', version: 3 });
    await svc.control({ action: 'seek', ts: t0 + 800 * MIN });
    const first = (await svc.blotter()).fills.map((f) => `${f.ts} ${f.side} ${f.qty} ${f.price}`);
    expect(first.length).toBeGreaterThan(2);
    expect((await svc.blotter()).orders.every((o) => o.source === 'strategy')).toBe(true);
    await svc.control({ action: 'seek', ts: t0 + 100 * MIN });
    await svc.control({ action: 'seek', ts: t0 + 800 * MIN });
    expect((await svc.blotter()).fills.map((f) => `${f.ts} ${f.side} ${f.qty} ${f.price}`)).toEqual(first);
    svc.close();
  });

  it('refuses an empty or unknown range with typed errors', async () => {
    const { svc } = service();
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 + MIN, to: t0 })).rejects.toThrow(ValidationError);
    await expect(svc.start({ source: 'nowhere', symbol: 'BTC/USDT', from: t0, to: t0 + MIN })).rejects.toThrow(NotFoundError);
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 - 10 * 86_400_000, to: t0 - 86_400_000 })).rejects.toThrow(NotFoundError);
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 10 * MIN, strategyId: 'x' })).rejects.toThrow(ValidationError);
    await expect(svc.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '1' })).rejects.toThrow(/No replay is running/);
    expect(svc.status()).toBeNull();
  });

  it('the contract refuses hostile payloads before a handler sees them', () => {
    const control = commands['replay.control'].request;
    expect(control.safeParse({ action: 'seek', ts: t0 }).success).toBe(true);
    expect(control.safeParse({ action: 'seek', ts: 'soon' }).success).toBe(false);
    expect(control.safeParse({ action: 'seek', ts: Number.NaN }).success).toBe(false);
    expect(control.safeParse({ action: 'speed', speed: 1001 }).success).toBe(false);
    expect(control.safeParse({ action: 'speed', speed: 0 }).success).toBe(false);
    expect(control.safeParse({ action: 'speed', speed: 'fast' }).success).toBe(false);
    expect(control.safeParse({ action: 'play', extra: 1 }).success).toBe(false);
    expect(control.safeParse({ action: 'rewind' }).success).toBe(false);
    expect(control.safeParse({ action: 'step', bars: 1e9 }).success).toBe(false);
    const start = commands['replay.start'].request;
    const ok = { source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + MIN };
    expect(start.safeParse(ok).success).toBe(true);
    expect(start.safeParse(JSON.parse(`{"source":"demo","symbol":"BTC/USDT","from":${t0},"to":${t0 + MIN},"__proto__":{"x":1}}`)).success).toBe(false);
    expect(start.safeParse({ ...ok, symbol: 'x'.repeat(200) }).success).toBe(false);
    expect(start.safeParse({ ...ok, from: -1 }).success).toBe(false);
    expect(start.safeParse({ ...ok, startingBalance: '-5' }).success).toBe(false);
    expect(start.safeParse({ ...ok, timeframe: '7m' }).success).toBe(false);
    expect(start.safeParse({ ...ok, params: { a: Infinity } }).success).toBe(false);
    expect(commands['replay.submit'].request.safeParse({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01', account: 'demo' }).success).toBe(false);
  });
});
