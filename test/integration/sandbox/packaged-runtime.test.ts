/**
 * The desktop app's sandbox layout, without Electron: the one-file child bundle (npm run build:sandbox)
 * started by a plain Node with read access to that file only — what the packaged app runs from
 * resources/node and resources/sandbox. Same results as the sources' child, and the escapes still fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/demo.ts';
import { KestrelError } from '../../../main/core/errors.ts';
import { runCodeBacktest } from '../../../workers/backtest/code-runner.ts';
import { useSandboxRuntime } from '../../../workers/sandbox/spawn.ts';
import { ATTEMPTS, attemptSource, tripwire, type Tripwire } from '../../support/escape.ts';

const SYMBOL = 'BTC/USDT';
const data = generateDemoCandles({ seed: 5, days: 2, symbols: [{ symbol: SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(SYMBOL)!;
const config = { symbols: [SYMBOL], timeframe: '1m', instruments: { [SYMBOL]: { tickSize: '0.01', lotSize: '0.00001' } } };
const datasets = [{ symbol: SYMBOL, columns: data, source: 'demo' }];
const strategy = `export default {
  onCandle(ctx, bar) {
    const f = ctx.indicator('sma:8'), s = ctx.indicator('sma:21');
    if (f > s && ctx.position() === 0) ctx.buy(0.01);
    else if (f < s && ctx.position() > 0) ctx.target(0);
  },
};`;

describe('the packaged sandbox runtime: one bundled file, plain Node, read access to that file only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-sandbox-'));
  let t: Tripwire;
  let fromSources: string;
  beforeAll(async () => {
    t = await tripwire();
    const r = await runCodeBacktest({ config, source: strategy, fileName: 's.ts', datasets });
    expect(r.status).toBe('ok');
    fromSources = r.determinismHash;
    await build({ configFile: fileURLToPath(new URL('../../../workers/sandbox/vite.config.ts', import.meta.url)), build: { outDir: dir } });
    const entry = join(dir, 'child.mjs');
    useSandboxRuntime({ execPath: process.execPath, entry, readable: [entry] });
  }, 120_000);
  afterAll(async () => {
    useSandboxRuntime(undefined);
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a code strategy to the same determinism hash as the child from sources', async () => {
    const r = await runCodeBacktest({ config, source: strategy, fileName: 's.ts', datasets });
    expect(r.status).toBe('ok');
    expect(r.counts.fills).toBeGreaterThan(2);
    expect(r.determinismHash).toBe(fromSources);
  });

  const sample = ATTEMPTS.filter((a) => /stack overflow|process, require|import\(\)|Function and eval|WebAssembly/.test(a.name));
  it.each(sample.map((a) => [a.name, a] as const))('still refuses: %s', async (_, a) => {
    let code = 'ok';
    let message = '';
    try {
      const r = await runCodeBacktest({ config, source: attemptSource(a, t), fileName: 'attack.ts', datasets }, { stallMs: 3000 });
      if (r.status !== 'ok') ({ code, message } = r.error!);
    } catch (e) {
      if (!(e instanceof KestrelError)) throw e;
      ({ code, message } = e);
    }
    expect(t.touched()).toEqual([]);
    expect(['strategy', 'validation']).toContain(code);
    expect(message).toMatch(a.expect);
  });

  it('found every attempt it samples', () => {
    expect(sample.length).toBe(7);
  });
});
