/**
 * The escape suite against code-strategy backtests (the path `kestrel backtest`, the studio, sweeps' code
 * runs and audit re-runs share): every attempt ends in a clear error, the files, databases and key are
 * byte-identical, no socket was opened, and this process (the host) is untouched and keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { KestrelError } from '../../../main/core/errors.ts';
import { runCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { ATTEMPTS, attemptSource, tripwire, type Tripwire } from '../../support/escape.ts';

const SYMBOL = 'BTC/USDT';
const data = generateDemoCandles({ seed: 5, days: 1, symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const datasets = [{ symbol: SYMBOL, columns: data, source: 'demo' }];

/** How an attempt ended: refused before running (a typed error) or stopped while running (an error result). */
async function outcome(source: string): Promise<{ code: string; message: string; bar?: number | undefined }> {
  try {
    // No attempt should need the stall watchdog (each must end in a strategy or validation error); a long
    // stall limit keeps a memory bomb on a heavily loaded machine from ending as a timeout first.
    const r = await runCodeBacktest({ config, source, fileName: 'attack.ts', datasets }, { stallMs: 20_000 });
    if (r.status === 'ok') return { code: 'ok', message: 'the run finished normally' };
    return { code: r.error!.code, message: r.error!.message, bar: r.error!.bar };
  } catch (e) {
    if (e instanceof KestrelError) return { code: e.code, message: e.message };
    throw e;
  }
}

describe('strategy sandbox: escape suite (backtest)', () => {
  let t: Tripwire;
  beforeAll(async () => {
    t = await tripwire();
  });
  afterAll(async () => {
    await t.close();
  });

  for (const a of ATTEMPTS) {
    it(a.name, async () => {
      const out = await outcome(attemptSource(a, t));
      expect(t.touched()).toEqual([]);
      expect(process.env.KESTREL_ESCAPED).toBeUndefined();
      expect((({}) as { polluted?: unknown }).polluted).toBeUndefined();
      expect(['strategy', 'validation']).toContain(out.code);
      expect(out.message).toMatch(a.expect);
      expect(out.message).not.toMatch(/ESCAPED/);
    });
  }

  it('the host keeps working after every attempt: a normal strategy still runs', async () => {
    const r = await runCodeBacktest({ config, source: 'export default { onCandle(ctx) { if (ctx.bar() === 10) ctx.buy(0.01); } };', fileName: 'ok.ts', datasets });
    expect(r.status).toBe('ok');
    expect(r.counts.fills).toBe(1);
    expect(t.touched()).toEqual([]);
  });
});
