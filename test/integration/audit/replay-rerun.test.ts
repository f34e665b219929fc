/**
 * Replay and re-run of a recorded session (a backtest recorded through the same kernel, audit sink and
 * SQLite audit log a paper session uses).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Replayer, stateAt } from '../../../main/core/audit/replay.ts';
import { compareSessions, rerunSession } from '../../../main/core/audit/rerun.ts';
import { recordSession, rerunDeps } from './session-fixture.ts';

const rec = recordSession();
afterAll(() => rec.stores.db.close());

describe('audit coverage of a recorded session', () => {
  it('every event carries session, monotonic sequence, UTC time and the strategy version hash', () => {
    const types = new Set(rec.events.map((e) => e.type));
    for (const t of ['session-start', 'session-stop', 'bar', 'signal', 'risk-verdict', 'order', 'fill']) expect(types).toContain(t);
    rec.events.forEach((e, i) => {
      expect(e.session).toBe('bt-1');
      expect(e.sessionSeq).toBe(i + 1);
      expect(e.utc).toBe(new Date(e.ts).toISOString());
      expect(e.strategyVersion).toBe(rec.config.strategy!.version);
    });
    // The bar's own (venue) time rides along; simulated fills have no separate venue timestamp.
    for (const e of rec.events.filter((x) => x.type === 'bar')) expect(e.venueTs).toBe(e.ts - 60_000);
    expect(rec.stores.audit.verify().ok).toBe(true);
  });
});

describe('replay: state at any event', () => {
  it('reproduces the recorded equity at every decision bar exactly, and the fills', () => {
    expect(rec.fills).toBeGreaterThan(6);
    const r = new Replayer(rec.events);
    let bars = 0;
    for (let i = 0; i < rec.events.length; i++) {
      const st = r.seek(i);
      const e = rec.events[i]!;
      if (e.type === 'bar') {
        const p = e.payload as { i: number; equity: number };
        expect(st.equity).toBe(p.equity);
        expect(st.equity).toBe(rec.equity[p.i]);
        bars++;
      }
    }
    expect(bars).toBe(rec.bars.length);
    const end = r.state();
    expect(end.fills).toBe(rec.fills);
    expect(end.orders.every((o) => o.state === 'filled')).toBe(true);
  });

  it('steps back and forward to the same state as a fresh fold', () => {
    const r = new Replayer(rec.events);
    const mid = Math.floor(rec.events.length / 2);
    r.seek(rec.events.length - 1);
    const back = r.seek(mid);
    expect(back).toEqual(stateAt(rec.events, mid));
    const fwd = r.forward();
    expect(fwd.index).toBe(mid + 1);
    expect(r.back()).toEqual(back);
    expect(() => r.seek(rec.events.length)).toThrow(/outside/);
  });
});

describe('re-run: divergences trade by trade', () => {
  it('the same strategy version reproduces every signal, order, fill, fee, timing and equity', () => {
    const rep = rerunSession(rec.events, rerunDeps(rec.bars));
    expect(rep.divergences).toEqual([]);
    expect(rep.identical).toBe(true);
    expect(rep.trades.rerun).toBe(rep.trades.recorded);
    expect(rep.fills).toEqual({ recorded: rec.fills, rerun: rec.fills });
  });

  it('an injected change in the strategy shows up at the trade it touched, not before', () => {
    const rep = rerunSession(rec.events, rerunDeps(rec.bars, (t) => (t === 4 ? 7 : undefined)));
    expect(rep.identical).toBe(false);
    const tradeDivs = rep.divergences.filter((d) => d.trade > 0);
    expect(Math.min(...tradeDivs.map((d) => d.trade))).toBe(4);
    // Trade 4 is an exit (10 → 0); tampered to target 7 it sells 3 instead of 10.
    expect(tradeDivs.find((d) => d.trade === 4 && d.kind === 'order' && d.field === 'qty')).toMatchObject({ recorded: 10, rerun: 3 });
    expect(rep.divergences.some((d) => d.kind === 'fee' && d.trade === 4)).toBe(true);
    // Equity stays identical until the tampered trade's fill.
    const firstEq = rep.divergences.find((d) => d.kind === 'equity')!;
    const t4fill = rec.events.filter((e) => e.type === 'fill')[3]!;
    expect(firstEq.ts).toBeGreaterThanOrEqual(t4fill.ts);
  });

  it('a recorded log whose fill price was altered is caught as a fill-price divergence at that trade', () => {
    const fills = rec.events.filter((e) => e.type === 'fill');
    const target = fills[2]!;
    const altered = rec.events.map((e) => (e === target ? { ...e, payload: { ...e.payload, fill: { ...(e.payload.fill as object), price: (e.payload.fill as { price: number }).price + 1 } } } : e));
    const rerun = rerunSession(rec.events, rerunDeps(rec.bars)).events;
    const rep = compareSessions(altered, rerun);
    expect(rep.divergences).toEqual([expect.objectContaining({ kind: 'fill-price', trade: 3 })]);
  });
});
