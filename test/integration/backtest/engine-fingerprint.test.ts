/**
 * Engine fingerprints (main/core/engine/version.ts): a recorded backtest carries the engine that ran it, a
 * re-run reports both engines, and says so in one sentence when they differ or when the recording predates
 * fingerprints; the HTML audit export names the engine of every session in its scope.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../main/core/audit/replay.ts';
import type { BundleReport } from '../../../main/core/audit/bundle-verify.ts';
import { canonicalJson } from '../../../main/core/audit/canonical.ts';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { ENGINE_VERSION, engineNote } from '../../../main/core/engine/version.ts';
import { getTemplate } from '../../../main/core/strategy/templates.ts';
import { htmlReport } from '../../../main/host/audit/report.ts';
import { rulesSource, sliceForBench } from '../../../workers/backtest/backtester.ts';
import { recordBacktest, rerunRecordedBacktest, type BacktestRerunDeps } from '../../../workers/backtest/record.ts';

const demo = generateDemoCandles({ seed: 5, days: 3, symbols: [{ symbol: 'BTC/USDT', start: 30_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] });
const columns = sliceForBench(demo.get('BTC/USDT')!, 1500);
const config = { symbols: ['BTC/USDT'], timeframe: '1m', instruments: { 'BTC/USDT': { tickSize: '0.01', lotSize: '0.00001' } } };
const doc = getTemplate('sma-crossover')!.doc;
const spec = { sessionId: 'bt-engine', strategyId: 'st-engine', source: 'demo' };
const datasets = () => [{ symbol: 'BTC/USDT', columns, source: 'demo' }];
const deps: BacktestRerunDeps = {
  record: (s, job, sp) => recordBacktest({ ...job, strategy: rulesSource(doc, s.params) }, sp).events,
  datasets,
};

/** The recording as stored (canonical JSON round trip), with its session-start's engine replaced (undefined: removed). */
function recorded(engine?: string): RecordedEvent[] {
  const events = recordBacktest({ config, strategy: rulesSource(doc), datasets: datasets() }, spec).events.map((e) => JSON.parse(canonicalJson(e)) as RecordedEvent);
  const start = events.find((e) => e.type === 'session-start')!;
  const cfg = (start.payload as { config: Record<string, unknown> }).config;
  if (engine === undefined) delete cfg.engine;
  else cfg.engine = engine;
  return events;
}

describe('engine fingerprints', () => {
  it('a recorded backtest carries the engine in its session-start and its result summary', () => {
    const { events } = recordBacktest({ config, strategy: rulesSource(doc), datasets: datasets() }, spec);
    expect(events[0]).toMatchObject({ type: 'session-start', payload: { config: { engine: ENGINE_VERSION } } });
    expect(events.at(-1)).toMatchObject({ type: 'session-stop', payload: { summary: { engine: ENGINE_VERSION } } });
  });

  it('a re-run on the same engine reports both, and no note', async () => {
    const rep = await rerunRecordedBacktest(recorded(ENGINE_VERSION), deps);
    expect(rep.identical).toBe(true);
    expect(rep.engine).toEqual({ recorded: ENGINE_VERSION, rerun: ENGINE_VERSION });
    expect(engineNote(rep.engine)).toBeUndefined();
  });

  it('a recording from another engine says so, next to its divergences', async () => {
    const rep = await rerunRecordedBacktest(recorded('kestrel-engine 0'), deps);
    expect(rep.engine).toEqual({ recorded: 'kestrel-engine 0', rerun: ENGINE_VERSION });
    expect(engineNote(rep.engine)).toBe(`recorded with engine kestrel-engine 0, re-run with engine ${ENGINE_VERSION}`);
  });

  it('a recording made before fingerprints says that', async () => {
    const rep = await rerunRecordedBacktest(recorded(), deps);
    expect(rep.engine).toEqual({ recorded: null, rerun: ENGINE_VERSION });
    expect(engineNote(rep.engine)).toBe(`recorded before engine fingerprints; re-run with engine ${ENGINE_VERSION}`);
  });

  it('the HTML audit export names the engine of each session in scope', () => {
    const verification = { ok: false, problems: [], checks: {}, verified: 0 } as unknown as BundleReport;
    const html = (events: RecordedEvent[]) => htmlReport({ title: 't', scope: { session: spec.sessionId }, events, verification, generatedAt: 0 });
    expect(html(recorded(ENGINE_VERSION))).toMatch(new RegExp(`<t[hd]>Engine</t[hd]>\\s*<td>${ENGINE_VERSION}</td>`));
    expect(html(recorded())).toContain('recorded before engine fingerprints');
  });
});
