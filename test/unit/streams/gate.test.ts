/** The message gate: what reaches ccxt, what is counted and dropped, and which klines count as final. */
import { describe, expect, it } from 'vitest';
import { MessageGate } from '../../../main/host/market-streams/gate.ts';
import type { Bar } from '../../../main/contract/streams.ts';

const kline = (t: number, E: number, x: boolean, c = '100.5') => ({ e: 'kline', E, s: 'BTCUSDT', k: { t, T: t + 59_999, s: 'BTCUSDT', i: '1m', o: '100', h: '101', l: '99', c, v: '3.5', x } });
const trade = (id: number) => ({ e: 'trade', E: 1, s: 'BTCUSDT', t: id, p: '100.1', q: '0.5', T: 1, m: true });

describe('MessageGate (binance format)', () => {
  it('drops frames that did not parse and events with missing or non-numeric fields, counting them', () => {
    const g = new MessageGate('binance');
    expect(g.admit('{"e":"trade","E":1,"s":"BTC')).toBe(false);
    expect(g.admit({ e: 'trade', E: 1, s: 'BTCUSDT', t: 1, p: 'abc', q: '1', T: 1 })).toBe(false);
    expect(g.admit({ e: 'kline', E: 1, s: 'BTCUSDT', k: { t: 0, i: '1m', o: '1', h: '1', l: '1', c: '1', v: '1' } })).toBe(false);
    expect(g.admit({ e: 'depthUpdate', E: 1, s: 'BTCUSDT', U: 1, u: 2, b: [['1']], a: [] })).toBe(false);
    expect(g.admit({ result: null, id: 1 })).toBe(true);
    expect(g.counters).toMatchObject({ messages: 5, malformed: 4, duplicate: 0, outOfOrder: 0 });
  });

  it('checks every level of a book diff: plain decimals, signs and exponents pass; a non-number anywhere drops the diff', () => {
    const g = new MessageGate('binance');
    const diff = (u: number, b: unknown[][], a: unknown[][] = [['100.10', '0']]) => ({ e: 'depthUpdate', E: u, s: 'BTCUSDT', U: u, u, b, a });
    expect(g.admit(diff(1, [['100.00', '1.50000'], ['99.5', '2'], ['.5', '+3.'], ['1e2', '2.5E-3'], [99, 0.1]]))).toBe(true);
    const bad = ['', ' ', ' 5', '5 ', '\t1', '0x10', '.', '-', '1.2.3', '12a', 'NaN', 'Infinity', '1'.repeat(400), null];
    for (const [i, x] of bad.entries()) expect(g.admit(diff(10 + i, [['100.00', '1'], ['99.00', x]]))).toBe(false);
    expect(g.admit(diff(30, [['100.00', '1']], [['100.10', '1'], ['abc', '1']]))).toBe(false);
    expect(g.counters).toMatchObject({ messages: 2 + bad.length, malformed: 1 + bad.length });
  });

  it('drops a repeated trade and one older than the newest, keeps every new one', () => {
    const g = new MessageGate('binance');
    expect([1, 2, 2, 1, 3].map((id) => g.admit(trade(id)))).toEqual([true, true, false, false, true]);
    expect(g.counters).toMatchObject({ duplicate: 1, outOfOrder: 1 });
  });

  it('a late update of a bar never overwrites a newer one; the final outranks every open update', () => {
    const g = new MessageGate('binance');
    const finals: Bar[] = [];
    g.listeners.add({ message() {}, finalKline: (_id, _i, b) => finals.push(b) });
    expect(g.admit(kline(0, 10, false))).toBe(true);
    expect(g.admit(kline(0, 20, false, '100.7'))).toBe(true);
    expect(g.admit(kline(0, 15, false))).toBe(false); // reordered: older state of the same bar
    expect(g.admit(kline(0, 30, true, '100.9'))).toBe(true);
    expect(g.admit(kline(0, 25, false))).toBe(false); // open update after the final
    expect(g.admit(kline(0, 30, true, '100.9'))).toBe(false); // the final twice
    expect(g.admit(kline(60_000, 31, false))).toBe(true);
    expect(g.admit(kline(0, 40, true, '100.9'))).toBe(false); // a bar older than the forming one
    expect(finals).toEqual([{ ts: 0, open: 100, high: 101, low: 99, close: 100.9, volume: 3.5 }]);
    expect(g.counters).toMatchObject({ duplicate: 1, outOfOrder: 3 });
  });

  it('ignores frames from a connection ccxt has replaced, and closes it', () => {
    const g = new MessageGate('binance');
    let handled = 0;
    let terminated = 0;
    const current = { url: 'ws://x/ws/0' };
    const stale = { url: 'ws://x/ws/0', connection: { terminate: () => terminated++ } };
    const ex: { clients: object; handleMessage(c: unknown, m: unknown): unknown } = { clients: { 'ws://x/ws/0': current }, handleMessage: () => handled++ };
    g.install(ex);
    ex.handleMessage(current, trade(1));
    ex.handleMessage(stale, trade(2));
    ex.handleMessage(current, trade(2));
    expect([handled, terminated, g.counters.duplicate]).toEqual([2, 1, 0]);
  });

  it('other venues: counted, only unparseable frames dropped', () => {
    const g = new MessageGate('kraken');
    expect(g.admit({ channel: 'trade', data: [] })).toBe(true);
    expect(g.admit({ channel: 'trade', data: [] })).toBe(true);
    expect(g.admit('garbage')).toBe(false);
    expect(g.counters).toMatchObject({ messages: 3, malformed: 1, duplicate: 0 });
  });
});
