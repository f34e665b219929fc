import { afterEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../../../main/contract/index.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { aggregateColumns } from '../../../main/core/data/aggregate.ts';
import { sliceColumns, timeframeMs, type OhlcvColumns } from '../../../main/core/data/candles.ts';
import { KestrelError, NotFoundError, ValidationError } from '../../../main/core/errors.ts';
import { ReplayService, type ReplayCatalog } from '../../../main/host/trading/replay-service.ts';
import { tradingHandlers } from '../../../main/host/handlers/trading.ts';
import { equityHandlers } from '../../../main/host/handlers/equity.ts';
import { indicatorHandlers } from '../../../main/host/handlers/indicators.ts';
import type { TradingService } from '../../../main/host/trading/service.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { rulesSource } from '../../../workers/backtest/backtester.ts';

const demo = generateDemoCandles({ seed: 3, days: 1 });
const all = demo.get('BTC/USDT')!;
/** A second symbol whose data starts 50 minutes later (a shorter history). */
const eth = sliceColumns(demo.get('ETH/USDT')!, 50, all.ts.length);
const t0 = all.ts[0]!;
const MIN = 60_000;
/** MarketService.candles' contract: bars opening in [from, to), aggregated from 1m to the asked timeframe. */
function candles(q: { source: string; symbol: string; timeframe: string; from: number; to: number }): OhlcvColumns {
  const data = q.source === 'demo' ? ({ 'BTC/USDT': all, 'ETH/USDT': eth } as Record<string, OhlcvColumns>)[q.symbol] : undefined;
  if (!data) throw new NotFoundError('dataset', `${q.source} ${q.symbol}`);
  let a = 0;
  while (a < data.ts.length && data.ts[a]! < q.from) a++;
  let b = a;
  while (b < data.ts.length && data.ts[b]! < q.to) b++;
  const rows = sliceColumns(data, a, b);
  return q.timeframe === '1m' ? rows : aggregateColumns(rows, timeframeMs(q.timeframe));
}

type Update = { status: { clock: number; state: string; barsDone: number } | null; bars: { symbol: string; ts: number }[]; orders: unknown[]; fills: unknown[]; reset: boolean; prices: { symbol: string }[] };

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
    expect(Array.from(svc.bars().ts)).toEqual(Array.from(all.ts.subarray(0, 100)));
    // Paused before its first bar, the replay's price is the close the chart ends on (the bar closed at the clock).
    const tick = Number(s.tickSize);
    expect(Math.abs(Number(s.lastPrice) - all.close[99]!)).toBeLessThanOrEqual(tick / 2);
    expect(events.at(-1)!.prices).toEqual([{ symbol: 'BTC/USDT', price: s.lastPrice, ts: t0 + 100 * MIN }]);
    const paper = new Proxy({}, { get: () => () => { throw new Error('a paper account was asked'); } }) as unknown as TradingService;
    const prices = () => tradingHandlers(paper, svc)['trading.prices']({ account: s.account }, { origin: 'test', signal: new AbortController().signal });
    expect((await prices()).prices).toEqual([{ symbol: 'BTC/USDT', price: s.lastPrice, ts: t0 + 100 * MIN }]);
    await svc.control({ action: 'step', bars: 5 });
    expect(Math.abs(Number(svc.status()!.lastPrice) - all.close[104]!)).toBeLessThanOrEqual(tick / 2);
    expect((await prices()).prices[0]!.price).toBe(svc.status()!.lastPrice);
    const shown = svc.bars();
    expect(shown.count).toBe(105);
    expect(shown.ts.at(-1)! + MIN).toBe(svc.status()!.clock);
    expect(Array.from(svc.bars({ limit: 3 }).ts)).toEqual([t0 + 102 * MIN, t0 + 103 * MIN, t0 + 104 * MIN]);
    // No stored bar before the range: no price until the first bar.
    expect((await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 10 * MIN })).lastPrice).toBeNull();
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
    const acct = svc.status()!.account;
    await svc.command(acct, (r) => r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' }));
    expect(events.at(-1)!.orders).toHaveLength(1);
    await svc.control({ action: 'step' });
    expect((await svc.session(acct)).fills(undefined, 500)).toHaveLength(1);
    await svc.control({ action: 'seek', ts: t0 + 200 * MIN });
    expect(events.at(-1)!.reset).toBe(true);
    expect((await svc.session(acct)).orderHistory(undefined, 500)).toHaveLength(0);
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
    const session = () => svc.session(s.account);
    const first = (await session()).fills(undefined, 500).map((f) => `${f.ts} ${f.side} ${f.qty} ${f.price}`);
    expect(first.length).toBeGreaterThan(2);
    expect((await session()).orderHistory(undefined, 500).every((o) => o.source === 'strategy')).toBe(true);
    await svc.control({ action: 'seek', ts: t0 + 100 * MIN });
    await svc.control({ action: 'seek', ts: t0 + 800 * MIN });
    expect((await session()).fills(undefined, 500).map((f) => `${f.ts} ${f.side} ${f.qty} ${f.price}`)).toEqual(first);
    svc.close();
  });

  it('replays several symbols in step; the chart gets each one up to the clock, at longer timeframes too', async () => {
    const { svc, events } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', symbols: ['ETH/USDT'], from: t0 + 40 * MIN, to: t0 + 100 * MIN });
    expect(s.symbols).toEqual(['BTC/USDT', 'ETH/USDT']);
    // Steps are the union of both timelines: ETH joins at t0 + 50 min.
    expect(s.barsTotal).toBe(60);
    await svc.control({ action: 'step', bars: 12 });
    const stepped = events.at(-1)!.bars;
    expect(stepped.filter((b) => b.symbol === 'BTC/USDT')).toHaveLength(12);
    expect(stepped.filter((b) => b.symbol === 'ETH/USDT').map((b) => b.ts)).toEqual([t0 + 50 * MIN, t0 + 51 * MIN]);
    expect(events.at(-1)!.prices.map((p) => p.symbol).sort()).toEqual(['BTC/USDT', 'ETH/USDT']);
    const e = svc.bars({ symbol: 'ETH/USDT' });
    expect(e.ts.at(-1)! + MIN).toBe(svc.status()!.clock);
    // 5m bars: full buckets from the store before the range's bucket, then the replay's own minutes aggregated;
    // the last bucket holds only the minutes the clock has passed (t0+50..t0+51: open of 50, close of 51).
    const five = svc.bars({ symbol: 'ETH/USDT', timeframe: '5m' });
    expect(five.ts.at(-1)).toBe(t0 + 50 * MIN);
    expect(five.close.at(-1)).toBe(eth.close[1]);
    expect(five.open.at(-1)).toBe(eth.open[0]);
    const btc5 = svc.bars({ timeframe: '5m' });
    expect(Array.from(btc5.ts)).toEqual(Array.from({ length: 11 }, (_, i) => t0 + i * 5 * MIN));
    expect(btc5.close.at(-1)).toBe(all.close[51]);
    expect(() => svc.bars({ symbol: 'SOL/USDT' })).toThrow(NotFoundError);
    await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 + 60 * MIN, to: t0 + 100 * MIN, timeframe: '5m' });
    expect(() => svc.bars({ timeframe: '1m' })).toThrow(ValidationError);
    // The earlier replay's account no longer routes anywhere.
    await expect(svc.session(s.account)).rejects.toThrow(NotFoundError);
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', symbols: ['XRP/USDT'], from: t0, to: t0 + 10 * MIN })).rejects.toThrow(NotFoundError);
    svc.close();
  });

  it('the trading commands with a replay account trade the replay, never a paper account', async () => {
    const { svc } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 100 * MIN });
    await svc.control({ action: 'step', bars: 3 });
    // Any use of the paper/live accounts' service fails the test.
    const paper = new Proxy({}, { get: () => () => { throw new Error('a paper account was asked'); } }) as unknown as TradingService;
    const h = tradingHandlers(paper, svc);
    const ctx = { origin: 'test', signal: new AbortController().signal };
    const account = s.account;
    expect(await h['trading.session']({ account }, ctx)).toMatchObject({ accountId: account, account, mode: 'paper', venue: 'demo' });
    expect((await h['trading.instruments']({ account }, ctx)).instruments.map((i) => i.symbol)).toEqual(['BTC/USDT']);
    await h['trading.submit']({ account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' }, ctx);
    const far = (all.close[2]! * 0.97).toFixed(2);
    const [limit] = (await h['trading.submit']({ account, symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.01', price: far }, ctx)).orders;
    await h['trading.amend']({ account, clientOrderId: limit!.clientOrderId, qty: '0.02' }, ctx);
    await svc.control({ action: 'step' });
    expect((await h['trading.fills']({ account }, ctx)).fills).toHaveLength(1);
    expect((await h['trading.positions']({ account }, ctx)).positions.find((p) => p.symbol === 'BTC/USDT')!.qty).toBe('0.01');
    expect((await h['trading.openOrders']({ account }, ctx)).orders.map((o) => o.qty)).toEqual(['0.02']);
    // Commands through the trading handlers are the replay's record: a backward seek re-applies them.
    await svc.control({ action: 'step', bars: 2 });
    await svc.control({ action: 'seek', ts: t0 + 4 * MIN });
    expect(svc.status()!.barsDone).toBe(4);
    expect((await h['trading.fills']({ account }, ctx)).fills).toHaveLength(1);
    expect((await h['trading.openOrders']({ account }, ctx)).orders.map((o) => o.qty)).toEqual(['0.02']);
    expect((await h['trading.cancelAll']({ account }, ctx)).canceled).toBe(1);
    expect((await h['risk.status']({ account }, ctx)).tradingState).toBeDefined();
    await expect(h['risk.setLimits']({ account, maxOpenOrders: 3 }, ctx)).rejects.toThrow(ValidationError);
    await expect(h['trading.submit']({ account: 'replay:old', symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' }, ctx)).rejects.toThrow(NotFoundError);
    svc.close();
  });

  it('the kill switch and the trading state with a replay account act on the replay, never the selected account', async () => {
    const { svc } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', symbols: ['ETH/USDT'], from: t0 + 50 * MIN, to: t0 + 200 * MIN });
    await svc.control({ action: 'step', bars: 2 });
    const paper = new Proxy({}, { get: () => () => { throw new Error('a paper account was asked'); } }) as unknown as TradingService;
    const h = tradingHandlers(paper, svc);
    const ctx = { origin: 'test', signal: new AbortController().signal };
    const account = s.account;
    await h['trading.submit']({ account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' }, ctx);
    await h['trading.submit']({ account, symbol: 'ETH/USDT', side: 'buy', type: 'market', qty: '0.1' }, ctx);
    await svc.control({ action: 'step' });
    const far = (all.close[52]! * 0.97).toFixed(2);
    await h['trading.submit']({ account, symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: '0.01', price: far }, ctx);
    const held = async () => (await h['trading.positions']({ account }, ctx)).positions.filter((x) => x.side !== 'flat').map((x) => x.symbol).sort();
    expect(await held()).toEqual(['BTC/USDT', 'ETH/USDT']);

    const killed = await h['risk.killSwitch']({ account, reason: 'test' }, ctx);
    expect(killed).toMatchObject({ canceled: 1, flattening: 2, status: { tradingState: 'halted' } });
    expect(svc.status()!.tradingState).toBe('halted');
    // The closing market orders fill at the next bar's open; a new order meets the halted gate.
    await svc.control({ action: 'step' });
    expect(await held()).toEqual([]);
    await expect(h['trading.submit']({ account, symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.01' }, ctx)).rejects.toThrow(/halted/i);
    expect((await h['risk.setTradingState']({ account, state: 'active' }, ctx)).tradingState).toBe('active');
    await h['risk.setTradingState']({ account, state: 'reducing-only' }, ctx);
    expect(svc.status()!.tradingState).toBe('reducing-only');

    // Recorded like orders: seeking back before the kill undoes it, seeking forward again (a rebuild) re-applies nothing later.
    await svc.control({ action: 'seek', ts: t0 + 53 * MIN });
    expect(svc.status()!.tradingState).toBe('active');
    expect(await held()).toEqual(['BTC/USDT', 'ETH/USDT']);
    // Limits, profile and overrides of a replay are the paper defaults: refused, not applied to another account.
    await expect(h['risk.override']({ account, reason: 'x', minutes: 5, state: 'active', passphrase: 'p' } as never, ctx)).rejects.toThrow(ValidationError);
    svc.close();
  });

  it('keeps the replay account\'s equity over replay time: start, fills, marks; rebuilt by a backward seek', async () => {
    const { svc, events } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 + 100 * MIN, to: t0 + 400 * MIN });
    const paper = new Proxy({}, { get: () => () => { throw new Error('a paper account was asked'); } }) as unknown as TradingService;
    const h = equityHandlers(paper, svc);
    const ctx = { origin: 'test', signal: new AbortController().signal };
    const account = s.account;
    await svc.control({ action: 'step', bars: 3 });
    await svc.command(account, (r) => r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.05' }));
    await svc.control({ action: 'step', bars: 30 });
    const hist = await h['equity.history']({ account }, ctx);
    expect(hist).toMatchObject({ book: account, currency: 'USDT', truncated: false });
    const reasons = hist.samples.map((x) => x.reason);
    expect(reasons[0]).toBe('start');
    expect(hist.samples[0]).toMatchObject({ ts: t0 + 100 * MIN, equity: '10000' });
    // The market order filled at bar 4's open: a fill sample at that bar's close, then marks as the price moves.
    expect(hist.samples.find((x) => x.reason === 'fill')!.ts).toBe(t0 + 104 * MIN);
    expect(reasons.filter((r) => r === 'mark').length).toBeGreaterThan(10);
    expect(hist.samples.every((x) => x.ts >= t0 + 100 * MIN && x.ts <= svc.status()!.clock)).toBe(true);
    expect(hist.samples.at(-1)!.equity).toBe(svc.status()!.equity);
    // The updates carried the samples as they were taken (the start's went with the reset that has the UI read the history).
    expect(events.flatMap((e) => (e as unknown as { equity: { ts: number }[] }).equity.map((x) => x.ts))).toEqual(hist.samples.slice(1).map((x) => x.ts));
    // Seek back before the order: the history is rebuilt without it.
    await svc.control({ action: 'seek', ts: t0 + 103 * MIN });
    expect((await h['equity.history']({ account }, ctx)).samples.map((x) => x.reason)).toEqual(['start']);
    await expect(h['equity.strategyPnl']({ account }, ctx)).rejects.toThrow(ValidationError);
    svc.close();
  });

  it('computes a replay chart\'s indicators over the bars it shows: never past the replay clock', async () => {
    const { svc } = service();
    const s = await svc.start({ source: 'demo', symbol: 'BTC/USDT', symbols: ['ETH/USDT'], from: t0 + 100 * MIN, to: t0 + 400 * MIN });
    const nobody = new Proxy({}, { get: () => () => { throw new Error('the market store was asked'); } });
    const h = indicatorHandlers(nobody as never, nobody as never, svc);
    const call = { origin: 'test', signal: new AbortController().signal };
    const sma = (symbol: string, timeframe = '1m') => h['indicators.series']({ source: s.account, symbol, timeframe, spec: 'sma:5' }, call);
    await svc.control({ action: 'step', bars: 10 });
    const a = await sma('BTC/USDT');
    const shown = svc.bars({ symbol: 'BTC/USDT' });
    expect(Array.from(a.ts)).toEqual(Array.from(shown.ts));
    const closes = Array.from(all.close.subarray(105, 110));
    expect(a.outputs[0]!.values.at(-1)).toBeCloseTo(closes.reduce((x, y) => x + y, 0) / 5, 9);
    // The next bar extends it; other symbols and longer timeframes are the chart's too.
    await svc.control({ action: 'step' });
    expect((await sma('BTC/USDT')).ts.at(-1)).toBe(t0 + 110 * MIN);
    expect(Array.from((await sma('ETH/USDT', '5m')).ts)).toEqual(Array.from(svc.bars({ symbol: 'ETH/USDT', timeframe: '5m' }).ts));
    await expect(h['indicators.series']({ source: 'replay:gone', symbol: 'BTC/USDT', timeframe: '1m', spec: 'sma:5' }, call)).rejects.toThrow(NotFoundError);
    svc.close();
  });

  it('refuses an empty or unknown range with typed errors', async () => {
    const { svc } = service();
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 + MIN, to: t0 })).rejects.toThrow(ValidationError);
    await expect(svc.start({ source: 'nowhere', symbol: 'BTC/USDT', from: t0, to: t0 + MIN })).rejects.toThrow(NotFoundError);
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0 - 10 * 86_400_000, to: t0 - 86_400_000 })).rejects.toThrow(NotFoundError);
    await expect(svc.start({ source: 'demo', symbol: 'BTC/USDT', from: t0, to: t0 + 10 * MIN, strategyId: 'x' })).rejects.toThrow(ValidationError);
    await expect(svc.command('replay:gone', (r) => r.submit({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '1' }))).rejects.toThrow(NotFoundError);
    expect(() => svc.bars()).toThrow(/No replay is running/);
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
    expect(start.safeParse({ ...ok, symbols: Array.from({ length: 8 }, (_, i) => `S${i}/USDT`) }).success).toBe(false);
    const bars = commands['replay.bars'].request;
    expect(bars.safeParse({ symbol: 'ETH/USDT', timeframe: '5m', limit: 10 }).success).toBe(true);
    expect(bars.safeParse({ timeframe: '7m' }).success).toBe(false);
    expect(bars.safeParse({ limit: 0 }).success).toBe(false);
  });
});
