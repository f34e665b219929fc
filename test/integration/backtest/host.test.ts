/** Strategies and backtests over the contract: CRUD + versions + rollback, runs with progress, stored results, reports, sweeps. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../main/contract/index.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';
import { canonicalJson } from '../../../main/core/audit/canonical.ts';

let t: TestHost;
const N = 2000;
const t0 = Date.UTC(2024, 0, 1);
const config = { symbols: ['ABC-USD'], timeframe: '1m', currency: 'USD', instruments: { 'ABC-USD': { tickSize: '0.01', lotSize: '0.001' } } };
// This data swings 20 % within an hour: the account's black-swan protocol would halt a run on it. Tests about
// recording and replay run with the config's limits only (none); the default is tested on its own below.
const unlimited = 'config' as const;

beforeAll(async () => {
  t = await startTestHost();
  const rows = ['ts,open,high,low,close,volume'];
  let p = 100;
  for (let i = 0; i < N; i++) {
    const c = Math.round((p + Math.sin(i / 23) * 0.8 + ((i * 7919) % 13) / 13 - 0.5) * 100) / 100;
    rows.push(`${t0 + i * 60_000},${p},${Math.max(p, c) + 0.3},${Math.min(p, c) - 0.3},${c},${10 + (i % 3)}`);
    p = c;
  }
  await t.client.call('market.import', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', csv: rows.join('\n') });
});
afterAll(() => t.close());

function waitFor(runId: string): Promise<{ status: string; done: number; total: number }[]> {
  return new Promise((resolve) => {
    const seen: { status: string; done: number; total: number }[] = [];
    const off = t.client.on('backtest.progress', (e) => {
      if (e.runId !== runId) return;
      seen.push(e);
      if (e.status !== 'running') {
        off();
        resolve(seen);
      }
    });
  });
}

describe('strategies and backtests over the contract', () => {
  it('saves versions by content hash, lists, rolls back, duplicates and deletes', async () => {
    const tpl = (await t.client.call('strategy.templates', {})).find((x) => x.id === 'sma-crossover')!;
    const v1 = await t.client.call('strategy.save', { name: 'cross', kind: 'rules', source: tpl.source });
    const same = await t.client.call('strategy.save', { id: v1.id, name: 'cross', kind: 'rules', source: tpl.source });
    expect(same.version).toBe(1);
    const changed = tpl.source.replace('"fast": 10', '"fast": 12');
    const v2 = await t.client.call('strategy.save', { id: v1.id, name: 'cross', kind: 'rules', source: changed, note: 'faster' });
    expect(v2.version).toBe(2);
    expect(v2.hash).not.toBe(v1.hash);
    const rb = await t.client.call('strategy.rollback', { id: v1.id, version: 1 });
    expect(rb).toMatchObject({ version: 3, hash: v1.hash });
    expect((await t.client.call('strategy.versions', { id: v1.id })).map((v) => v.version)).toEqual([1, 2, 3]);
    expect((await t.client.call('strategy.get', { id: v1.id, version: 2 })).source).toBe(changed);
    const dup = await t.client.call('strategy.duplicate', { id: v1.id, name: 'cross copy' });
    expect((await t.client.call('strategy.list', {})).map((s) => s.name).sort()).toEqual(['cross', 'cross copy']);
    await t.client.call('strategy.delete', { id: dup.id });
    expect((await t.client.call('strategy.list', {})).map((s) => s.name)).toEqual(['cross']);
  });

  it('refuses an invalid rules document, naming the path', async () => {
    const bad = JSON.stringify({ kind: 'kestrel.rules', version: 1, name: 'x', entry: { long: { op: 'gt', a: 'nope', b: 1 } }, sizing: { mode: 'fixed', qty: 1 } });
    const v = await t.client.call('strategy.validate', { kind: 'rules', source: bad });
    expect(v.ok).toBe(false);
    expect(v.issues[0]!.path).toBe('entry.long.a');
    const err = await t.client.call('strategy.save', { name: 'bad', kind: 'rules', source: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('validation');
  });

  it('runs a saved strategy with progress events, stores the result, exports reports', async () => {
    const id = (await t.client.call('strategy.list', {})).find((x) => x.name === 'cross')!.id;
    const { runId } = await t.client.call('backtest.run', { strategyId: id, config, dataSource: 'test' });
    const events = await waitFor(runId);
    expect(events.at(-1)!.status).toBe('ok');
    const r = await t.client.call('backtest.get', { runId });
    expect(r.status).toBe('ok');
    expect(r.strategy.id).toBe(id);
    expect(r.equity.value.length).toBe(N);
    expect(r.certificate.datasets[0]!.count).toBe(N);
    expect(r.determinismHash).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.client.call('backtest.list', { strategyId: id });
    expect(list.map((x) => x.runId)).toContain(runId);
    const html = await t.client.call('backtest.report', { runId, format: 'html' });
    expect(html.content).toMatch(/<svg/);
    expect(html.content).not.toMatch(/<script|https?:\/\//);
    const csv = await t.client.call('backtest.report', { runId, format: 'trades-csv' });
    expect(csv.content.trim().split('\n').length).toBe(r.trades.length + 1);
    const json = JSON.parse((await t.client.call('backtest.report', { runId, format: 'json' })).content);
    expect(json.schema).toBe('kestrel.backtest/2');
    expect(json.determinismHash).toBe(r.determinismHash);
  });

  it('certifies the candles while the worker simulates: same certificate and hash as a run in one thread; display points on request; the stored result reads back equal', async () => {
    const saved = (await t.client.call('strategy.list', {})).find((x) => x.name === 'cross')!;
    const { runId } = await t.client.call('backtest.run', { strategyId: saved.id, config, dataSource: 'test', risk: unlimited });
    expect((await waitFor(runId)).at(-1)!.status).toBe('ok');
    const r = await t.client.call('backtest.get', { runId });
    const source = (await t.client.call('strategy.get', { id: saved.id })).source;
    const [d] = t.host.services.backtest.datasets({ source: 'test', symbols: ['ABC-USD'], timeframe: '1m' });
    const alone = runBacktest({ config, strategy: rulesSource(source), datasets: [{ symbol: 'ABC-USD', columns: d!.columns, source: d!.source }] });
    expect(r.certificate.datasets).toEqual(alone.certificate.datasets);
    expect(r.determinismHash).toBe(alone.determinismHash);

    const shown = await t.client.call('backtest.get', { runId, points: 100 });
    expect(shown.equity.bars).toBe(N);
    expect(shown.equity.ts.length).toBeLessThanOrEqual(100);
    expect(shown.equity.ts[0]).toBe(r.equity.ts[0]);
    expect(shown.equity.ts.at(-1)).toBe(r.equity.ts.at(-1));
    expect(Math.min(...shown.equity.value)).toBe(Math.min(...r.equity.value));
    expect(Math.max(...shown.equity.drawdown)).toBe(Math.max(...r.equity.drawdown));
    shown.equity.ts.forEach((ts, k) => expect(shown.equity.value[k]).toBe(r.equity.value[r.equity.ts.indexOf(ts)]));
    expect(shown.trades).toEqual(r.trades);
    expect(r.equity.bars).toBeUndefined();

    // Read back from the database (not the finished job kept in memory): the same value.
    const rec = t.host.services.ledger.catalog.backtest(runId)!;
    const { equity: _e, ...rest } = t.host.services.backtest.result(runId);
    expect(rec.stats).toEqual(JSON.parse(JSON.stringify(rest)));
    expect(rec.stats).toEqual(JSON.parse(canonicalJson(rest)));
  });

  it('records a saved strategy\'s backtest as an audit session that replays, re-runs identically, and shows changed data as divergences', async () => {
    const id = (await t.client.call('strategy.list', {})).find((x) => x.name === 'cross')!.id;
    const { runId } = await t.client.call('backtest.run', { strategyId: id, config, dataSource: 'test', record: true, risk: unlimited });
    expect((await waitFor(runId)).at(-1)!.status).toBe('ok');
    const r = await t.client.call('backtest.get', { runId });
    expect(r.trades.length).toBeGreaterThan(1);
    const session = (await t.client.call('audit.sessions', {})).find((x) => x.session === runId);
    expect(session).toMatchObject({ kind: 'backtest', strategyId: id, strategyVersion: r.strategy.version, startedAt: t0 });
    const end = await t.client.call('audit.replay', { session: runId });
    expect(end.positions.find((p) => p.symbol === 'ABC-USD')?.fees).toBe(r.stats.fees);
    const same = await t.client.call('audit.rerun', { session: runId });
    expect(same).toMatchObject({ identical: true, divergences: [], fills: { recorded: r.counts.fills, rerun: r.counts.fills } });

    // The stored candle under the first entry fill opens 1.00 higher: the re-run fills that trade elsewhere.
    const at = r.trades[0]!.entryTs;
    const k = Math.round((at - t0) / 60_000);
    const bars = (await t.client.call('market.export', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', from: at, to: at + 60_000 })).csv.trim().split('\n');
    const [ts, o, h, l, c, v] = bars[1]!.split(',').map(Number);
    expect(ts).toBe(t0 + k * 60_000);
    await t.client.call('market.import', { source: 'test', symbol: 'ABC-USD', timeframe: '1m', csv: `ts,open,high,low,close,volume\n${ts},${(o! + 1).toFixed(2)},${Math.max(h!, o! + 1).toFixed(2)},${l},${c},${v}` });
    const changed = await t.client.call('audit.rerun', { session: runId });
    expect(changed.identical).toBe(false);
    expect(changed.divergences.find((d) => d.kind === 'fill-price')).toMatchObject({ trade: 1, recorded: Math.round(o! * 100), rerun: Math.round((o! + 1) * 100) });
  });

  it('records a saved code strategy\'s backtest too; its re-run runs in a strategy worker again and agrees', async () => {
    const src = `export default {
  onCandle(ctx: any, bar: { close: number }): void {
    const f: number = ctx.indicator('sma:8');
    const s: number = ctx.indicator('sma:21');
    if (f > s && ctx.position() === 0) ctx.buy(1, 'entry');
    else if (f < s && ctx.position() > 0) ctx.target(0, 'exit');
  },
};`;
    const saved = await t.client.call('strategy.save', { name: 'code cross', kind: 'code', source: src });
    const { runId } = await t.client.call('backtest.run', { strategyId: saved.id, config, dataSource: 'test', record: true, risk: unlimited });
    expect((await waitFor(runId)).at(-1)!.status).toBe('ok');
    const r = await t.client.call('backtest.get', { runId });
    expect(r.trades.length).toBeGreaterThan(1);
    expect((await t.client.call('audit.sessions', {})).find((x) => x.session === runId)).toMatchObject({ kind: 'backtest', strategyId: saved.id, strategyVersion: saved.hash });
    expect(await t.client.call('audit.rerun', { session: runId })).toMatchObject({ identical: true, divergences: [], fills: { recorded: r.counts.fills, rerun: r.counts.fills } });
  });

  it('refuses to record an unsaved strategy, and says why', async () => {
    const tpl = (await t.client.call('strategy.templates', {})).find((x) => x.id === 'sma-crossover')!;
    const err = await t.client.call('backtest.run', { kind: 'rules', source: tpl.source, config, dataSource: 'test', record: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteError);
    expect((err as RemoteError).code).toBe('validation');
    expect((err as RemoteError).message).toMatch(/saved/);
  });

  it('runs a grid sweep on the pool with a progress event per backtest, ranked, stored', async () => {
    const id = (await t.client.call('strategy.list', {})).find((x) => x.name === 'cross')!.id;
    const { runId } = await t.client.call('sweep.run', { strategyId: id, config, dataSource: 'test', sweep: { params: { fast: [5, 10], slow: [20, 40] }, objective: 'netProfitPct' } });
    const events = await waitFor(runId);
    expect(events.at(-1)).toMatchObject({ status: 'ok', done: 4, total: 4 });
    // Counts only grow, one per finished backtest, up to the four of the grid.
    const running = events.filter((e) => e.status === 'running');
    expect(running.map((e) => e.done)).toEqual([1, 2, 3, 4]);
    expect(running.every((e) => e.total === 4)).toBe(true);
    const s = await t.client.call('sweep.get', { runId });
    expect(s.rows).toHaveLength(4);
    const scores = (s.rows as { stats: { netProfitPct: number } }[]).map((x) => x.stats.netProfitPct);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('runs with the selected account\'s risk profile by default, and lists its refusals and halts in the result', async () => {
    const id = (await t.client.call('strategy.list', {})).find((x) => x.name === 'cross')!.id;
    const profile = await t.client.call('risk.profile', {});
    const run = async (extra: object) => {
      const { runId } = await t.client.call('backtest.run', { strategyId: id, config, dataSource: 'test', ...extra });
      expect((await waitFor(runId)).at(-1)!.status).toBe('ok');
      return t.client.call('backtest.get', { runId });
    };
    const gated = await run({});
    expect(gated.risk).toMatchObject({ profile: profile.name, finalState: 'halted', halts: 1 });
    expect(gated.risk!.events[0]).toMatchObject({ kind: 'alert', rule: 'black_swan', state: 'halted' });
    expect(gated.risk!.refusalCount).toBeGreaterThan(0);
    expect(gated.risk!.refusals.every((r) => r.reasons.some((x) => x.rule === 'trading_halted'))).toBe(true);
    const free = await run({ risk: 'config' });
    expect(free.risk).toMatchObject({ profile: null, finalState: 'active', refusalCount: 0, halts: 0 });
    expect(free.trades.length).toBeGreaterThan(gated.trades.length);
    // A profile named in the config wins over the account's.
    const named = await run({ config: { ...config, riskProfile: { name: 'mine', blackSwan: null, maxPositionPctEquity: 100 } } });
    expect(named.risk).toMatchObject({ profile: 'mine', halts: 0 });
  });

  it('an unknown run is a not-found error', async () => {
    const err = await t.client.call('backtest.get', { runId: 'bt-nope' }).catch((e: unknown) => e);
    expect((err as RemoteError).code).toBe('not_found');
  });
});

describe('hot reload for paper sessions', () => {
  it('swaps a running strategy to another saved version on the same kernel context', async () => {
    const { buildEngine } = await import('../../../workers/backtest/backtester.ts');
    const { parseBacktestConfig } = await import('../../../main/core/backtest/config.ts');
    const svc = t.host.services.backtest;
    const a = svc.save({ name: 'reload-me', kind: 'code', source: `export default { onCandle(ctx) { if (ctx.bar() === 1) ctx.buy(1); } };` });
    const b = svc.save({ id: a.id, name: 'reload-me', kind: 'code', source: `export default { onCandle(ctx) { if (ctx.position() > 0) ctx.target(0); } };` });
    const cfg = parseBacktestConfig(config);
    const engine = buildEngine(cfg);
    const strat = svc.reloadable(a.id, 1);
    engine.attach('ABC-USD', strat, 60_000);
    const bar = (i: number, px: number) => engine.onCandle('ABC-USD', { ts: t0 + i * 60_000, open: px, high: px + 1, low: px - 1, close: px, volume: 10 }, 60_000);
    for (let i = 0; i < 4; i++) bar(i, 100 + i);
    expect(engine.portfolio.positionQty('ABC-USD')).toBe(1000); // 1 unit at lot 0.001
    expect(svc.hotReload(strat, a.id, b.version)).toBe(b.hash);
    for (let i = 4; i < 7; i++) bar(i, 100 + i);
    expect(engine.portfolio.positionQty('ABC-USD')).toBe(0);
  });

  it('stops an endless loop in a paper-mode code strategy within its CPU budget, and the host keeps serving', async () => {
    const { buildEngine } = await import('../../../workers/backtest/backtester.ts');
    const { parseBacktestConfig } = await import('../../../main/core/backtest/config.ts');
    const svc = t.host.services.backtest;
    const s = svc.save({ name: 'spin', kind: 'code', source: `export default { onCandle(ctx) { if (ctx.bar() === 2) { for (;;) {} } } };` });
    const engine = buildEngine(parseBacktestConfig(config));
    const errors: unknown[] = [];
    engine.bus.on('error', (e) => errors.push(e));
    engine.attach('ABC-USD', svc.strategyFor(s.id), 60_000);
    const t1 = Date.now();
    let thrown: unknown;
    try {
      for (let i = 0; i < 4; i++) engine.onCandle('ABC-USD', { ts: t0 + i * 60_000, open: 100, high: 101, low: 99, close: 100, volume: 10 }, 60_000);
    } catch (e) {
      thrown = e;
    }
    expect(Date.now() - t1).toBeLessThan(5_000);
    expect(String((thrown as Error | undefined)?.message ?? JSON.stringify(errors))).toMatch(/budget/);
    expect((await t.client.call('health', {})).uptimeMs).toBeGreaterThan(0);
  });
});
