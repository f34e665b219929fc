/** The equity-history repository: exact samples, ranges, thinning, hostile values, attributed fills. */
import { describe, expect, it } from 'vitest';
import { money } from '../../../main/core/model/index.ts';
import { openLedger, type EquitySample } from '../../../main/storage/index.ts';
import { fill, order, tempDir } from './helpers.ts';

const MIN = 60_000;
const sample = (ts: number, equity: string, reason: EquitySample['reason'] = 'mark'): EquitySample => ({
  ts, reason, currency: 'USDT', equity: money(equity), cash: money('9000.000000000000000001'), realized: money('-1.5'), unrealized: money('0.25'), fees: money('0.3'), funding: money('-0.01'),
});

describe('EquityHistory', () => {
  it('stores exact samples per book, one per instant, and serves the newest of a range oldest first', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const h = l.equity;
    h.record('paper-1', sample(1000, '10000.123456789012345678', 'start'));
    h.record('paper-1', sample(2000, '10001'));
    h.record('paper-1', sample(2000, '10002', 'fill')); // same instant: replaces
    h.record('paper-2', sample(1500, '5'));
    expect(h.last('paper-1')).toEqual(sample(2000, '10002', 'fill'));
    const all = h.range('paper-1');
    expect(all).toEqual({ samples: [sample(1000, '10000.123456789012345678', 'start'), sample(2000, '10002', 'fill')], truncated: false });
    for (let i = 0; i < 10; i++) h.record('paper-1', sample(3000 + i, String(i)));
    const page = h.range('paper-1', { from: 2000, limit: 3 });
    expect(page.truncated).toBe(true);
    expect(page.samples.map((s) => s.ts)).toEqual([3007, 3008, 3009]);
    expect(h.range('paper-1', { from: 1000, to: 2001 }).samples.map((s) => s.ts)).toEqual([1000, 2000]);
    l.db.close();
  });

  it('refuses a sample that is not exact or complete, and keeps what was stored', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const h = l.equity;
    h.record('paper-1', sample(1000, '1'));
    expect(() => h.record('paper-1', { ...sample(2000, '1'), equity: 1.5 as unknown as bigint })).toThrow(/Money/);
    expect(() => h.record('paper-1', { ...sample(2000, '1'), ts: Number.NaN })).toThrow(/integer/);
    expect(() => h.record('paper-1', { ...sample(2000, '1'), reason: 'x' as 'mark' })).toThrow(/reason/);
    expect(() => h.record('', sample(2000, '1'))).toThrow(/book/);
    expect(h.range('paper-1').samples).toEqual([sample(1000, '1')]);
    l.db.close();
  });

  it('thins old samples to the last of each minute (older than a day) and hour (older than 30 days)', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const h = l.equity;
    const DAY = 86_400_000;
    const now = 100 * DAY;
    // 40 days ago: three samples in one hour; 2 days ago: three in one minute; now: three in one minute.
    for (const base of [now - 40 * DAY, now - 2 * DAY, now - 10 * MIN]) for (const k of [0, 1, 2]) h.record('b', sample(base + k * 1000, String(k)));
    h.record('other', sample(now - 40 * DAY, '1'));
    h.record('other', sample(now - 40 * DAY + 1000, '1'));
    expect(h.thin('b', now)).toBe(4);
    expect(h.range('b').samples.map((s) => s.ts)).toEqual([now - 40 * DAY + 2000, now - 2 * DAY + 2000, now - 10 * MIN, now - 10 * MIN + 1000, now - 10 * MIN + 2000]);
    expect(h.range('other').samples).toHaveLength(2); // another book is untouched
    expect(h.thin('b', now)).toBe(0);
    l.db.close();
  });

  it('lists a book\'s fills with the strategy that placed their order, or the order\'s source', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const scope = { accountId: 'paper-1', sessionId: 's1' };
    l.ledger.recordIntent(scope, order('o1', { source: 'strategy' }));
    l.ledger.recordIntent(scope, order('o2', { source: 'ticket' }));
    l.equity.attribute('s1', 'o1', { id: 'st1', name: 'fast sma', runId: 'ps-1' });
    l.equity.attribute('s1', 'o1', { id: 'st2', name: 'late', runId: 'ps-2' }); // the first attribution stays
    l.ledger.recordFill(scope, fill('T1', { clientOrderId: 'o1' }));
    l.ledger.recordFill(scope, fill('T2', { clientOrderId: 'o2' }));
    l.ledger.recordFill({ accountId: 'paper-1', sessionId: 's0' }, fill('T3', { clientOrderId: 'foreign' }));
    l.ledger.recordFill({ accountId: 'paper-2', sessionId: 's1' }, fill('T4', { clientOrderId: 'o2' }));
    const got = l.equity.attributedFills('paper-1');
    expect(got.map((f) => [f.tradeId, f.strategyId, f.strategyName, f.source])).toEqual([
      ['T1', 'st1', 'fast sma', 'strategy'],
      ['T2', null, null, 'ticket'],
      ['T3', null, null, null],
    ]);
    expect(got[0]!.fee).toBe(fill('T1').fee);
    expect(l.equity.attributedFills('paper-1', got[1]!.seq).map((f) => f.tradeId)).toEqual(['T3']);
    l.db.close();
  });
});
