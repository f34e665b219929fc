/**
 * MarkFeed (main/host/trading/mark-feed.ts): a held perpetual's mark comes from the venue's stream when it has one
 * (no REST poll while the stream is connecting or live), from polls at `everyMs` where the venue streams none or
 * while the stream is down, and the stream closes when the position goes flat. The status says which.
 * No timers: the test calls sync() as the feed's check timer would, on a clock it moves.
 */
import { describe, expect, it } from 'vitest';
import { MarkFeed, type MarkStreamHandlers, type MarkWatch } from '../../../main/host/trading/mark-feed.ts';

const S = 'BTC/USDT:USDT';

function rig(opts: { stream: boolean }) {
  let now = 0;
  const held = new Set<string>();
  const delivered: [string, number][] = [];
  const open: { symbol: string; h: MarkStreamHandlers; closed: boolean }[] = [];
  const watch: MarkWatch = (symbol, h) => {
    const s = { symbol, h, closed: false };
    open.push(s);
    return { close: () => void (s.closed = true) };
  };
  const feed = new MarkFeed({
    symbols: [S], mark: async () => 30_000, held: (s) => held.has(s), deliver: (s, p) => void delivered.push([s, p]),
    everyMs: 5_000, now: () => now, ...(opts.stream ? { watch } : {}),
  });
  return { feed, held, delivered, open, advance: (ms: number) => void (now += ms) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('MarkFeed', () => {
  it('a held symbol is marked by its stream, with no poll; the stream closes when the position goes flat', async () => {
    const r = rig({ stream: true });
    r.feed.sync();
    expect(r.open).toEqual([]); // nothing held: no stream, no poll
    r.held.add(S);
    r.feed.sync();
    expect(r.open.map((o) => o.symbol)).toEqual([S]);
    r.open[0]!.h.onState('live');
    r.open[0]!.h.onMark(29_950.5, 1);
    r.open[0]!.h.onMark(29_900, 2);
    for (let k = 0; k < 5; k++) {
      r.advance(10_000);
      r.feed.sync();
    }
    await settle();
    expect(r.delivered).toEqual([[S, 29_950.5], [S, 29_900]]);
    expect(r.feed.pollCount).toBe(0);
    expect(r.feed.describe()).toBe('venue stream (markPrice)');
    r.held.delete(S);
    r.feed.sync();
    expect(r.open[0]!.closed).toBe(true);
    r.open[0]!.h.onMark(1, 3); // a late event of the closed stream is dropped
    expect(r.delivered).toHaveLength(2);
  });

  it('falls back to polling every everyMs while the stream is down, and stops polling when it is back', async () => {
    const r = rig({ stream: true });
    r.held.add(S);
    r.feed.sync();
    const s = r.open[0]!;
    s.h.onState('down', 'socket closed'); // polls at once
    await settle();
    expect(r.feed.pollCount).toBe(1);
    expect(r.feed.describe()).toBe(`venue stream (markPrice); polled every 5 s while the stream of ${S} is down: socket closed`);
    r.advance(4_000);
    r.feed.sync();
    expect(r.feed.pollCount).toBe(1); // not due yet
    r.advance(1_000);
    r.feed.sync();
    expect(r.feed.pollCount).toBe(2);
    s.h.onState('live');
    r.advance(60_000);
    r.feed.sync();
    await settle();
    expect(r.feed.pollCount).toBe(2);
    expect(r.delivered).toEqual([[S, 30_000], [S, 30_000]]);
  });

  it('polls at everyMs where the venue streams no mark, and says so', async () => {
    const r = rig({ stream: false });
    r.held.add(S);
    for (const step of [0, 2_000, 3_000]) {
      r.advance(step);
      r.feed.sync();
      await settle();
    }
    expect(r.feed.pollCount).toBe(2);
    expect(r.delivered).toEqual([[S, 30_000], [S, 30_000]]);
    expect(r.feed.describe()).toBe('polled every 5 s (the venue streams no mark price)');
  });
});
