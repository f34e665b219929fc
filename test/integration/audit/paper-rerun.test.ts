/**
 * Re-run and replay of a recorded PAPER session through the in-memory host: a saved rules strategy runs in
 * a paper session on the demo feed (driven by an injected clock, so an hour of 1-second prints takes
 * milliseconds), then `audit.rerun` re-creates the feed from the recorded seed and start, re-compiles the
 * strategy by its version hash from the catalog, and must reproduce every fill and the equity at every
 * decision bar exactly; a strategy change injected at one recorded trade must show up at that trade.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Strategy } from '../../../main/core/engine/strategy.ts';
import { auditFor } from '../../../main/host/audit/for-host.ts';
import { hostRerunDeps, strategyByHash } from '../../../main/host/audit/rerun-deps.ts';
import { backtestFor } from '../../../main/host/backtest/for-host.ts';
import { ledgerFor } from '../../../main/host/trading/for-host.ts';
import { TradingService } from '../../../main/host/trading/service.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';

const SYMBOL = 'BTC/USDT';
let h: TestHost;
let session: string;
let strategyId: string;
let version: string;
let recordedFills: { ts: number; price: number; qty: number }[];

beforeAll(async () => {
  const before = process.env.KESTREL_PAPER;
  process.env.KESTREL_PAPER = '0'; // the host's own wall-clock session stays off; the test drives one
  try {
    h = await startTestHost();
  } finally {
    if (before === undefined) delete process.env.KESTREL_PAPER;
    else process.env.KESTREL_PAPER = before;
  }
  const tpl = (await h.client.call('strategy.templates', {})).find((t) => t.id === 'sma-crossover')!;
  const doc = { ...JSON.parse(tpl.source), params: { fast: 3, slow: 8, equityPct: 20 } };
  const saved = await h.client.call('strategy.save', { name: 'paper sma', kind: 'rules', source: JSON.stringify(doc) });
  strategyId = saved.id;
  version = saved.hash;

  let t = Date.UTC(2026, 0, 5, 10, 0, 0);
  const ctx = h.host.ctx;
  const svc = new TradingService({ ledger: ledgerFor(ctx), emit: () => {}, log: ctx.log, feed: { seed: 7, tickMs: 1000, cycleMs: 600_000, swingBps: 40 }, now: () => t });
  const impl = backtestFor(ctx).strategyFor(strategyId, saved.version, { fast: 3, slow: 8, equityPct: 20 });
  const view = svc.runStrategy({ id: strategyId, version, versionNo: saved.version, params: { fast: 3, slow: 8, equityPct: 20 }, symbol: SYMBOL, impl });
  session = view.sessionId;
  // Two hours of prints, delivered in uneven batches like the live timer's.
  for (let k = 0; k < 240; k++) {
    t += 30_000 + (k % 3) * 7_000 - 7_000;
    svc.session.marketBatch(() => void svc.feed.pump());
  }
  svc.stop('test done');
  svc.close();
  const ev = auditFor(ctx).sessionEvents(session);
  recordedFills = ev.filter((e) => e.type === 'fill').map((e) => {
    const f = (e.payload as { fill: { ts: number; price: number; qty: number } }).fill;
    return { ts: f.ts, price: f.price, qty: f.qty };
  });
}, 60_000);

afterAll(async () => {
  auditFor(h.host.ctx).setRerunDeps(hostRerunDeps(h.host.ctx));
  await h.close();
});

describe('a recorded paper session', () => {
  it('is listed with its strategy, and traded', async () => {
    const list = await h.client.call('audit.sessions', {});
    const s = list.find((x) => x.session === session)!;
    expect(s).toMatchObject({ kind: 'paper', strategyId, strategyVersion: version });
    expect(s.stoppedAt).not.toBeNull();
    expect(recordedFills.length).toBeGreaterThanOrEqual(4);
  });

  it('re-runs with identical fills and equity at every decision bar', async () => {
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.divergences).toEqual([]);
    expect(rep.identical).toBe(true);
    expect(rep.fills).toEqual({ recorded: recordedFills.length, rerun: recordedFills.length });
    expect(rep.trades.rerun).toBe(rep.trades.recorded);
  });

  it('replays to the recorded equity at every decision bar, and to each fill', async () => {
    const ev = auditFor(h.host.ctx).sessionEvents(session);
    const bars = ev.map((e, i) => [e, i] as const).filter(([e]) => e.type === 'bar');
    expect(bars.length).toBeGreaterThan(100);
    // Replay through the contract at a spread of decision bars: right after a bar event the portfolio is
    // marked at that bar's close, which is what the strategy saw (the equity in the bar's payload).
    for (const [e, i] of bars.filter((_, k) => k % 9 === 0 || k === bars.length - 1)) {
      const st = await h.client.call('audit.replay', { session, index: i });
      expect(st.equity).toBe((e.payload as { equity: number }).equity);
    }
    let n = 0;
    for (let i = 0; i < ev.length; i++) {
      if (ev[i]!.type !== 'fill') continue;
      const st = await h.client.call('audit.replay', { session, index: i });
      expect(st.fills).toBe(++n);
    }
    expect(n).toBe(recordedFills.length);
  });

  it('shows an injected strategy change at the trade it changed, and not before', async () => {
    const ctx = h.host.ctx;
    const ev = auditFor(ctx).sessionEvents(session);
    const created = ev.filter((e) => e.type === 'order' && (e.payload as { event: string }).event === 'created');
    expect(created.length).toBeGreaterThanOrEqual(3);
    const target = 3; // the third trade
    const at = created[target - 1]!;
    const barBefore = ev.slice(0, ev.indexOf(at)).filter((e) => e.type === 'bar').at(-1)!;
    const skipBar = (barBefore.payload as { i: number }).i;
    // The change: the strategy ignores the one bar on which it decided the third trade.
    auditFor(ctx).setRerunDeps({
      ...hostRerunDeps(ctx),
      strategy: (id, v, p) => {
        const inner = strategyByHash(ctx, id, v, p);
        if (!inner) return undefined;
        const s: Strategy = { ...inner, id: inner.id, onBar: (c) => (c.i === skipBar ? undefined : inner.onBar(c)) };
        if (inner.onStart) s.onStart = (c) => inner.onStart!(c);
        if (inner.onFill) s.onFill = (c, f) => inner.onFill!(c, f);
        if (inner.onOrder) s.onOrder = (c, o) => inner.onOrder!(c, o);
        return s;
      },
    });
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.identical).toBe(false);
    const tradeDivs = rep.divergences.filter((d) => d.trade > 0);
    expect(tradeDivs.length).toBeGreaterThan(0);
    expect(Math.min(...tradeDivs.map((d) => d.trade))).toBe(target);
    // Nothing about earlier trades, and the first equity divergence is not before the changed decision.
    const eq = rep.divergences.filter((d) => d.kind === 'equity');
    if (eq.length) expect(Math.min(...eq.map((d) => d.ts))).toBeGreaterThanOrEqual(barBefore.ts);
  });

  it('says what is missing when the strategy version is gone', async () => {
    const ctx = h.host.ctx;
    auditFor(ctx).setRerunDeps({ ...hostRerunDeps(ctx), strategy: () => undefined });
    await expect(h.client.call('audit.rerun', { session })).rejects.toThrow(/not available for a re-run/);
  });
});
