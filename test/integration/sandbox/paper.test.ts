/**
 * The proof for paper runs: hostile strategies started in a real host's paper session (demo feed at 60x, a
 * 1m bar a second) end as a StrategyError in their run, the session and the host keep serving, and the
 * files, databases and key are untouched with no socket opened. Includes the two reproductions:
 * the stack overflow at the bridge (escape) and the promise-job loop queued by a callback that returns in
 * time (host hang), plus the plain endless loop and the memory bomb, which only a separate process can stop.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperStrategyView } from '../../../main/contract/paper-strategy.ts';
import { startTestHost, type TestHost } from '../../support/host.ts';
import { ATTEMPTS, attemptSource, tripwire, type Attempt, type Tripwire } from '../../support/escape.ts';
import { failure, fastFeedEnv, until } from '../trading/support.ts';

let t: TestHost;
let wire: Tripwire;
beforeAll(async () => {
  fastFeedEnv();
  process.env.KESTREL_FEED_SPEED = '60';
  t = await startTestHost();
  delete process.env.KESTREL_FEED_SPEED;
  // Every file the host keeps in its data directory is attacked and checked too: its databases (which the
  // running session writes) for the attack's bytes, everything else (the key) byte for byte.
  const files = readdirSync(t.dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
  const live = files.filter((f) => /\.db(-wal|-shm)?$|\.log$/.test(f));
  wire = await tripwire(files.filter((f) => !live.includes(f)), live);
}, 60_000);
afterAll(async () => {
  await wire?.close();
  await t?.close();
});

async function runOf(runId: string): Promise<PaperStrategyView> {
  const r = (await t.client.call('paper.strategy.list', {})).strategies.find((s) => s.runId === runId);
  if (!r) throw new Error(`run ${runId} not listed`);
  return r;
}

const pick = (prefix: string): Attempt => ATTEMPTS.find((a) => a.name.startsWith(prefix))!;
const extra: Attempt[] = [
  { name: 'endless loop in a callback', source: 'PWN\nexport default { onCandle(ctx) { for (;;) {} } };', expect: /longer than its \d+ ms budget/ },
];
const cases: Attempt[] = [
  pick('stack overflow at the bridge'),
  pick('microtask loop queued'),
  pick('errors thrown by host functions'),
  pick('async callback'),
  pick('Proxy thrown'),
  pick('Error.prepareStackTrace'),
  pick('reading process'),
  // Heap exhaustion in a paper run: the process dies at its heap limit, or the callback overruns its budget
  // first while the collector thrashes; either way a StrategyError.
  { ...pick('huge allocation on the heap'), expect: /memory limit|longer than its \d+ ms budget/ },
  ...extra,
];

describe('strategy sandbox: paper runs', () => {
  let n = 0;
  for (const a of cases) {
    it(a.name, async () => {
      const source = attemptSource(a, wire, { first: 0, last: 3 });
      const saved = await t.client.call('strategy.save', { name: `attack ${++n}`, kind: 'code', source });
      const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' });
      const ended = await until('the run to fail', async () => {
        const r = await runOf(run.runId);
        return r.state !== 'running' && r;
      }, 60_000);
      expect(ended.state).toBe('error');
      expect(ended.lastError).toMatch(/^strategy: /);
      expect(ended.lastError).toMatch(a.expect);
      expect(ended.lastError).not.toMatch(/ESCAPED/);
      expect(wire.touched()).toEqual([]);
      expect(process.env.KESTREL_ESCAPED).toBeUndefined();
      // The host keeps serving: the session answers and the feed moves on.
      const before = (await t.client.call('trading.session', {})).sessionId;
      expect(before).toBeTruthy();
    }, 90_000);
  }

  it('an import is refused when the strategy is saved', async () => {
    const err = await failure(t.client.call('strategy.save', { name: 'importer', kind: 'code', source: attemptSource(pick('import() with comment tricks'), wire) }));
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/cannot import modules/);
  });

  it('a normal code strategy still trades in the same session afterwards', async () => {
    const saved = await t.client.call('strategy.save', { name: 'buyer', kind: 'code', source: 'export default { onCandle(ctx) { if (ctx.bar() === 0) ctx.buy(0.001, "first"); } };' });
    const run = await t.client.call('paper.strategy.start', { strategyId: saved.id, symbol: 'BTC/USDT', timeframe: '1m' });
    const filled = await until('a fill', async () => {
      const r = await runOf(run.runId);
      return r.fills >= 1 && r;
    }, 60_000);
    expect(filled.state).toBe('running');
    expect(filled.position).toBe('0.001');
    await t.client.call('paper.strategy.stop', { runId: run.runId });
    expect(wire.touched()).toEqual([]);
  }, 90_000);
});
