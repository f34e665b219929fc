/**
 * Re-run of a recorded BACKTEST session through the in-memory host: the session was recorded with a saved
 * rules strategy on candles in the host's market store; `audit.rerun` finds the strategy by its version
 * hash in the catalog, reads the same bars from the store (the session's data reference) and must agree
 * exactly; a changed stored bar (the data, not the strategy) shows up as divergences.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDecisionBars, auditSessionStart, auditSessionStop, SessionAuditSink, type SessionStartConfig } from '../../../main/core/audit/session.ts';
import { Engine, SimClock } from '../../../main/core/engine/index.ts';
import { ENGINE_VERSION } from '../../../main/core/engine/version.ts';
import { defineInstrument } from '../../../main/core/model/index.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { makeBars, SPEC } from './session-fixture.ts';

let h: TestHost;
const session = 'bt-host-1';
const key = { source: 'fixture', symbol: SPEC.symbol, timeframe: '1m' };
let recordedFills = 0;

beforeAll(async () => {
  const before = process.env.KESTREL_PAPER;
  process.env.KESTREL_PAPER = '0';
  try {
    h = await startTestHost();
  } finally {
    if (before === undefined) delete process.env.KESTREL_PAPER;
    else process.env.KESTREL_PAPER = before;
  }
  const svcs = h.host.services;
  const tpl = (await h.client.call('strategy.templates', {})).find((t) => t.id === 'sma-crossover')!;
  const params = { fast: 5, slow: 20, equityPct: 30 };
  const saved = await h.client.call('strategy.save', { name: 'bt sma', kind: 'rules', source: JSON.stringify({ ...JSON.parse(tpl.source), params }) });
  const bars = makeBars(500, 9);
  svcs.market.stores.candles.upsert(key, bars);
  const config: SessionStartConfig = {
    instruments: [SPEC],
    portfolio: { baseCurrency: 'USDT', cash: { USDT: '100000' } },
    venue: { id: 'paper', seed: 5, latencyMs: 0 },
    strategy: { id: saved.id, version: saved.hash, params },
    data: { ...key, from: bars.ts[0]!, to: bars.ts[bars.length - 1]! },
  };
  const sink = new SessionAuditSink(svcs.ledger.audit, { sessionId: session, kind: 'backtest', strategyId: saved.id, strategyVersion: saved.hash });
  const clock = new SimClock();
  const instruments = [defineInstrument(SPEC)];
  auditSessionStart(sink, bars.ts[0]!, config);
  const engine = new Engine({ instruments, venue: new PaperVenue({ id: 'paper', instruments, clock, seed: 5, latencyMs: 0 }), portfolio: config.portfolio, clock, audit: sink, sessionId: session });
  const res = engine.run(SPEC.symbol, bars, auditDecisionBars(svcs.backtest.strategyFor(saved.id, saved.version, params), sink));
  recordedFills = res.fills.length;
  auditSessionStop(sink, clock.now(), { reason: 'completed' });
}, 60_000);

afterAll(async () => {
  await h.close();
});

describe('a recorded backtest', () => {
  it('is listed as a backtest session', async () => {
    const s = (await h.client.call('audit.sessions', {})).find((x) => x.session === session);
    expect(s).toMatchObject({ kind: 'backtest' });
    expect(recordedFills).toBeGreaterThanOrEqual(4);
  });

  it('re-runs from the stored bars with identical fills and equity', async () => {
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.divergences).toEqual([]);
    expect(rep.fills).toEqual({ recorded: recordedFills, rerun: recordedFills });
    // This session's start has no engine fingerprint (as those recorded before fingerprints): the re-run says so.
    expect(rep.engine).toEqual({ recorded: null, rerun: ENGINE_VERSION, note: `recorded before engine fingerprints; re-run with engine ${ENGINE_VERSION}` });
  });

  it('reports divergences when the stored bars changed after the session', async () => {
    const cols = h.host.services.market.stores.candles.range(key);
    // Lift every close from bar 300 on: decisions and equity after that point must differ, not before.
    const i0 = 300;
    const close = Float64Array.from(cols.close, (c, i) => (i >= i0 ? c * 1.05 : c));
    const high = Float64Array.from(cols.high, (x, i) => (i >= i0 ? Math.max(x, close[i]!) : x));
    h.host.services.market.stores.candles.upsert(key, { ts: cols.ts, open: cols.open, high, low: cols.low, close, volume: cols.volume });
    const rep = await h.client.call('audit.rerun', { session });
    expect(rep.identical).toBe(false);
    const firstTs = Math.min(...rep.divergences.map((d) => d.ts));
    expect(firstTs).toBeGreaterThanOrEqual(cols.ts[i0]!);
  });
});
