/**
 * Re-run and replay of a recorded PAPER session through the in-memory host, recorded the way the app runs
 * one: the demo feed at 60x (a 1m bar per second), a saved rules strategy started in the session
 * (`paper.strategy.start`), reloaded to a second version mid-run and stopped, next to the trader's own
 * ticket orders (one filled, one amended then cancelled, and a bracket). `audit.rerun` re-creates the feed from the recorded seed and
 * start, re-does the recorded commands at their moments, finds each strategy version by its hash, and
 * must reproduce every fill and the equity at every decision bar exactly; a strategy change injected at
 * one recorded trade must show up at that trade and not before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Strategy } from '../../../main/core/engine/strategy.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';
import type { RecordedEvent } from '../../../main/core/audit/replay.ts';
import { ENGINE_VERSION } from '../../../main/core/engine/version.ts';
import { rerunPaperSession } from '../../../main/host/audit/paper-rerun.ts';
import { hostSessionRerun } from '../../../main/host/audit/rerun-deps.ts';
import type { StrategySource } from '../../../main/host/trading/strategies.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { lastPrice, offset, until } from '../trading/support.ts';

const SYMBOL = 'BTC/USDT';
const sma = TEMPLATES.find((x) => x.id === 'sma-crossover')!.doc;
const rules = (params: Record<string, number>): string => JSON.stringify({ ...sma, params: { ...(sma.params as object), ...params } });

let h: TestHost;
let session: string;
let recorded: RecordedEvent[];
let moved: string;
const fills = (ev: readonly RecordedEvent[]) => ev.filter((e) => e.type === 'fill');

beforeAll(async () => {
  const keep = { ...process.env };
  Object.assign(process.env, { KESTREL_FEED_TICK_MS: '250', KESTREL_FEED_CYCLE_MS: '150000', KESTREL_FEED_SWING_BPS: '20', KESTREL_FEED_SPEED: '60' });
  try {
    h = await startTestHost();
  } finally {
    for (const k of ['KESTREL_FEED_TICK_MS', 'KESTREL_FEED_CYCLE_MS', 'KESTREL_FEED_SWING_BPS', 'KESTREL_FEED_SPEED']) {
      if (keep[k] === undefined) delete process.env[k];
      else process.env[k] = keep[k];
    }
  }
  const c = h.client;
  session = (await c.call('trading.session', {})).sessionId;
  const v1 = await c.call('strategy.save', { name: 'paper sma', kind: 'rules', source: rules({ fast: 1, slow: 3, equityPct: 10 }) });
  const v2 = await c.call('strategy.save', { id: v1.id, name: 'paper sma', kind: 'rules', source: rules({ fast: 2, slow: 4, equityPct: 10 }) });
  // The trader's own orders: a marketable buy (fills at the next print) and a far limit on another symbol
  // (the strategy manages its symbol's working orders), cancelled later.
  const px = await lastPrice(c, SYMBOL);
  await c.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'limit', qty: '0.01', price: offset(px, 30, 2) });
  const eth = await lastPrice(c, 'ETH/USDT');
  const far = (await c.call('trading.submit', { symbol: 'ETH/USDT', side: 'buy', type: 'limit', qty: '0.1', price: offset(eth, -300, 2) })).orders[0]!;
  // A ticket bracket: market entry, exits far enough that they rest for the whole session. On the strategy's
  // symbol: replay marks positions at its decision bars (the feed's ticks are not audited), so a position in
  // another symbol would make the replayed equity differ from the live one.
  await c.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'bracket', qty: '0.001', takeProfit: offset(px, 300, 2), stopLoss: offset(px, -300, 2), stopLossLimit: offset(px, -320, 2) });
  // A ticket OCO protecting part of the position, resting for the session too (its legs are gated together).
  await c.call('trading.submit', { symbol: SYMBOL, side: 'sell', type: 'oco', qty: '0.001', takeProfit: offset(px, 350, 2), stopLoss: offset(px, -350, 2) });
  const run = await c.call('paper.strategy.start', { strategyId: v1.id, version: 1, symbol: SYMBOL, timeframe: '1m' });
  const runFills = async (n: number) => until(`${n} strategy fills`, async () => ((await c.call('paper.strategy.list', {})).strategies.find((s) => s.runId === run.runId)?.fills ?? 0) >= n, 40_000);
  await runFills(3);
  await c.call('trading.amend', { clientOrderId: far.clientOrderId, price: offset(eth, -280, 2) });
  // Amended from far below the market to marketable: it fills at the next print, at the amended limit or better.
  // (On the strategy's symbol: replay marks positions at its decision bars; the feed's ticks are not audited.)
  moved = (await c.call('trading.submit', { symbol: SYMBOL, side: 'buy', type: 'limit', qty: '0.001', price: offset(px, -300, 2) })).orders[0]!.clientOrderId;
  await c.call('trading.amend', { clientOrderId: moved, price: offset(await lastPrice(c, SYMBOL), 30, 2) });
  await c.call('trading.cancel', { clientOrderId: far.clientOrderId });
  await c.call('paper.strategy.reload', { runId: run.runId, version: v2.version });
  await runFills(5);
  await c.call('paper.strategy.stop', { runId: run.runId });
  h.host.services.trading.stop('test done');
  recorded = h.host.services.audit.sessionEvents(session);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('a recorded paper session', () => {
  it('is listed, and traded from the ticket and the strategy', async () => {
    const s = (await h.client.call('audit.sessions', {})).find((x) => x.session === session)!;
    expect(s).toMatchObject({ kind: 'paper' });
    expect(s.stoppedAt).not.toBeNull();
    const sources = new Set(recorded.filter((e) => e.type === 'risk-verdict').map((e) => (e.payload as { source: string }).source));
    expect(sources).toEqual(new Set(['ticket', 'strategy']));
    expect(fills(recorded).length).toBeGreaterThanOrEqual(6);
    expect(recorded.some((e) => e.type === 'order' && (e.payload as { event: string }).event === 'canceled')).toBe(true);
    const bracket = recorded.filter((e) => e.type === 'order' && (e.payload as { event: string; order: { groupKind?: string } }).event === 'created' && (e.payload as { order: { groupKind?: string } }).order.groupKind === 'bracket');
    expect(bracket.map((e) => (e.payload as { order: { type: string } }).order.type)).toEqual(['market', 'limit', 'stop-limit']);
    const oco = recorded.filter((e) => e.type === 'order' && (e.payload as { event: string; order: { groupKind?: string } }).event === 'created' && (e.payload as { order: { groupKind?: string } }).order.groupKind === 'oco');
    expect(oco.map((e) => (e.payload as { order: { type: string; side: string } }).order.type)).toEqual(['limit', 'stop-market']);
    expect(recorded.filter((e) => e.type === 'order' && (e.payload as { event: string }).event === 'amended')).toHaveLength(2);
    expect(fills(recorded).some((e) => (e.payload as { fill: { clientOrderId: string } }).fill.clientOrderId === moved)).toBe(true);
    // The entry filled, so both exits went live (each through the gate again: a verdict the re-run must not re-submit).
    expect(recorded.filter((e) => e.type === 'order' && (e.payload as { event: string }).event === 'released')).toHaveLength(2);
  });

  it('re-runs with identical orders, fills and equity at every decision bar', async () => {
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.divergences).toEqual([]);
    expect(rep.identical).toBe(true);
    // A paper session records the engine that ran it; so does its re-run: nothing to say about engines.
    expect(rep.engine).toEqual({ recorded: ENGINE_VERSION, rerun: ENGINE_VERSION });
    expect(rep.fills).toEqual({ recorded: fills(recorded).length, rerun: fills(recorded).length });
    expect(rep.trades.rerun).toBe(rep.trades.recorded);
  });

  it('replays to the recorded equity at every decision bar, and through each fill', async () => {
    const bars = recorded.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'bar');
    expect(bars.length).toBeGreaterThanOrEqual(5);
    // Right after a bar event the replayed portfolio is marked at that bar's close: what the strategy saw.
    for (const [e, i] of bars) {
      const st = await h.client.call('audit.replay', { session, index: i });
      expect(st.equity).toBe((e.payload as { equity: number }).equity);
    }
    let n = 0;
    for (let i = 0; i < recorded.length; i++) {
      if (recorded[i]!.type !== 'fill') continue;
      expect((await h.client.call('audit.replay', { session, index: i })).fills).toBe(++n);
    }
  });

  it('shows an injected strategy change at the trade it changed, and not before', async () => {
    const ctx = h.host.ctx;
    const svcs = h.host.services;
    // The k-th trade of the session that a strategy made: skip the bar it was decided on.
    const created = recorded.filter((e) => e.type === 'order' && (e.payload as { event: string }).event === 'created');
    const verdicts = recorded.filter((e) => e.type === 'risk-verdict');
    const byStrategy = created.filter((o) => {
      const v = verdicts.filter((x) => x.chainSeq! < o.chainSeq!).at(-1);
      return (v?.payload as { source?: string } | undefined)?.source === 'strategy';
    });
    expect(byStrategy.length).toBeGreaterThanOrEqual(3);
    const target = byStrategy[2]!;
    const trade = created.indexOf(target) + 1;
    const decidedOn = recorded.filter((e) => e.type === 'bar' && e.chainSeq! < target.chainSeq!).at(-1)!;
    const skipTs = decidedOn.venueTs!;
    const catalog = svcs.backtest;
    const tampered: StrategySource = {
      get: (id, v) => catalog.get(id, v),
      strategyFor: (id, v, p) => skipping(catalog.strategyFor(id, v, p), skipTs),
      reloadable: (id, v, p) => {
        const r = catalog.reloadable(id, v, p);
        const inner = r.onBar.bind(r);
        r.onBar = (c) => (c.bars.ts[c.i] === skipTs ? undefined : inner(c));
        return r;
      },
    };
    svcs.audit.setSessionRerun((ev) => rerunPaperSession(ctx, ev, () => tampered));
    try {
      const rep = await h.client.call('audit.rerun', { session });
      expect(rep.identical).toBe(false);
      const tradeDivs = rep.divergences.filter((d) => d.trade > 0);
      expect(Math.min(...tradeDivs.map((d) => d.trade))).toBe(trade);
      expect(Math.min(...rep.divergences.map((d) => d.ts))).toBeGreaterThanOrEqual(decidedOn.ts);
    } finally {
      svcs.audit.setSessionRerun(hostSessionRerun({ ...svcs, log: ctx.log }));
    }
  });

  it('refuses to re-run a strategy version whose source is gone or changed', async () => {
    const ctx = h.host.ctx;
    const svcs = h.host.services;
    const catalog = svcs.backtest;
    const changed: StrategySource = {
      get: (id, v) => {
        const s = catalog.get(id, v);
        return { ...s, version: { ...s.version, hash: '0'.repeat(64) } };
      },
      strategyFor: (id, v, p) => catalog.strategyFor(id, v, p),
      reloadable: (id, v, p) => catalog.reloadable(id, v, p),
    };
    svcs.audit.setSessionRerun((ev) => rerunPaperSession(ctx, ev, () => changed));
    try {
      await expect(h.client.call('audit.rerun', { session })).rejects.toThrow(/not available for a re-run: its source changed/);
    } finally {
      svcs.audit.setSessionRerun(hostSessionRerun({ ...svcs, log: ctx.log }));
    }
  });
});

function skipping(inner: Strategy, skipTs: number): Strategy {
  const s: Strategy = { ...inner, id: inner.id, onBar: (c) => (c.bars.ts[c.i] === skipTs ? undefined : inner.onBar(c)) };
  if (inner.onStart) s.onStart = (c) => inner.onStart!(c);
  if (inner.onFill) s.onFill = (c, f) => inner.onFill!(c, f);
  if (inner.onOrder) s.onOrder = (c, o) => inner.onOrder!(c, o);
  return s;
}
