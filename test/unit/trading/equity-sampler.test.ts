/**
 * When the equity sampler writes (main/host/trading/equity-sampler.ts): a start sample, fill samples at most
 * one a second with a trailing one for the end of a burst, mark samples at most once a minute of session time
 * and only when the equity moved, a stop sample; a failing store is logged and never thrown into trading.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { money } from '../../../main/core/model/index.ts';
import type { AccountFigures } from '../../../main/core/portfolio/attribution.ts';
import { EquitySampler } from '../../../main/host/trading/equity-sampler.ts';
import { openLedger, type EquityHistory, type EquitySample } from '../../../main/storage/index.ts';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function setup(store?: EquityHistory) {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-sampler-'));
  dirs.push(dir);
  const ledger = openLedger(join(dir, 'ledger.db'));
  const t = { session: 1_000_000, wall: 5_000 };
  let fig: AccountFigures = { cash: money('10000'), equity: money('10000'), realized: 0n, unrealized: 0n, fees: 0n, funding: 0n };
  const seen: EquitySample[] = [];
  const warnings: string[] = [];
  const sampler = new EquitySampler({
    store: store ?? ledger.equity, bookId: 'paper-1', currency: 'USDT', figures: () => fig, clock: () => t.session, wall: () => t.wall,
    onSample: (s) => void seen.push(s), log: { warn: (_o, msg) => void warnings.push(msg) },
  });
  return { ledger, t, sampler, seen, warnings, set: (f: Partial<AccountFigures>) => void (fig = { ...fig, ...f }) };
}

describe('EquitySampler', () => {
  it('samples at start, after fills (throttled, with a trailing sample), on moved marks once a minute, and at stop', () => {
    vi.useFakeTimers();
    const { ledger, t, sampler, seen, set } = setup();
    sampler.start();
    expect(seen.map((s) => s.reason)).toEqual(['start']);

    set({ cash: money('9000'), equity: money('9999'), fees: money('1') });
    t.session += 10; t.wall += 10;
    sampler.changed(true);
    expect(seen.map((s) => s.reason)).toEqual(['start', 'fill']);
    // A burst: two more fill batches within the second write nothing now, one trailing sample a second later.
    set({ equity: money('9998'), fees: money('2') });
    t.session += 100; t.wall += 100;
    sampler.changed(true);
    sampler.changed(true);
    expect(seen).toHaveLength(2);
    t.session += 900; t.wall += 900;
    vi.advanceTimersByTime(1000);
    expect(seen.map((s) => s.reason)).toEqual(['start', 'fill', 'fill']);
    expect(seen[2]!.fees).toBe(money('2'));

    // Marks: nothing within the same minute of session time, nothing when the equity did not move.
    set({ equity: money('9990'), unrealized: money('-8') });
    t.session += 1000;
    sampler.changed(false);
    expect(seen).toHaveLength(3);
    t.session = 1_000_000 + 60_000;
    set({ equity: money('9998'), unrealized: 0n });
    sampler.changed(false); // the same equity as the last sample
    expect(seen).toHaveLength(3);
    set({ equity: money('10005'), unrealized: money('7') });
    sampler.changed(false);
    expect(seen.map((s) => s.reason)).toEqual(['start', 'fill', 'fill', 'mark']);
    t.session += 10_000;
    set({ equity: money('10010') });
    sampler.changed(false); // same minute as the last sample
    expect(seen).toHaveLength(4);

    sampler.stop();
    sampler.changed(true);
    expect(seen.map((s) => s.reason)).toEqual(['start', 'fill', 'fill', 'mark', 'stop']);
    const stored = ledger.equity.range('paper-1').samples;
    expect(stored).toEqual(seen);
    expect(stored.at(-1)!.equity).toBe(money('10010'));
    ledger.db.close();
  });

  it('never stamps a sample at or before the stored last one (a restarted session clock behind it)', () => {
    const a = setup();
    a.ledger.equity.record('paper-1', { ts: 2_000_000, reason: 'stop', currency: 'USDT', equity: 1n, cash: 1n, realized: 0n, unrealized: 0n, fees: 0n, funding: 0n });
    const s = new EquitySampler({ store: a.ledger.equity, bookId: 'paper-1', currency: 'USDT', figures: () => ({ cash: 2n, equity: 2n, realized: 0n, unrealized: 0n, fees: 0n, funding: 0n }), clock: () => 1_000_000, wall: () => 0, log: { warn: () => {} } });
    s.start();
    expect(a.ledger.equity.range('paper-1').samples.map((x) => [x.ts, x.reason, x.equity])).toEqual([[2_000_000, 'stop', 1n], [2_000_001, 'start', 2n]]);
    a.ledger.db.close();
  });

  it('logs a storage failure instead of throwing into the trading path', () => {
    const broken = { record: () => { throw new Error('disk full'); }, last: () => undefined, thin: () => 0 } as unknown as EquityHistory;
    const { sampler, seen, warnings, ledger } = setup(broken);
    expect(() => sampler.start()).not.toThrow();
    expect(() => sampler.changed(true)).not.toThrow();
    expect(seen).toHaveLength(0);
    expect(warnings).toContain('could not store an equity sample');
    ledger.db.close();
  });
});
