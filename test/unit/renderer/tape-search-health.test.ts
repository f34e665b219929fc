/** The tape's memory and size filter, market search ranking, the keyboard highlight and stream-health levels. */
import { describe, expect, it } from 'vitest';
import { FrameBatch, latestPerFrame } from '../../../renderer/features/book/frame-batch.ts';
import { parseMinSize, Tape, type Print } from '../../../renderer/features/book/tape.ts';
import { capsText } from '../../../renderer/features/markets/caps.ts';
import { fmtAge, healthLevel, STALE_MS } from '../../../renderer/features/markets/health.ts';
import { moveHighlight, searchMarkets } from '../../../renderer/features/markets/search.ts';

const print = (id: number, size: number, side: 'buy' | 'sell' = 'buy'): Print => ({ id: String(id), ts: id, price: 100 + id, size, side });

describe('trades tape', () => {
  it('keeps the newest prints first, drops replayed ids and forgets beyond its capacity', () => {
    const t = new Tape(3);
    expect(t.push([print(1, 1), print(2, 1), print(2, 1)])).toBe(2);
    t.push([print(3, 1), print(4, 1)]);
    expect(t.view(0, 10).map((p) => p.id)).toEqual(['4', '3', '2']);
    // Id 1 was forgotten with its row, so it counts as new again; id 3 is still remembered.
    expect(t.push([print(3, 1), print(1, 1)])).toBe(1);
  });

  it('filters by size without losing the hidden prints', () => {
    const t = new Tape();
    t.push([print(1, 0.1), print(2, 5, 'sell'), print(3, 0.2), print(4, 2)]);
    expect(t.view(1, 10).map((p) => p.id)).toEqual(['4', '2']);
    expect(t.view(0, 2).map((p) => p.id)).toEqual(['4', '3']);
    expect(t.size).toBe(4);
  });

  it('refuses a size filter that is not a number', () => {
    expect(parseMinSize('')).toEqual({ ok: true, value: 0 });
    expect(parseMinSize(' 0.5 ')).toEqual({ ok: true, value: 0.5 });
    expect(parseMinSize('-1').ok).toBe(false);
    expect(parseMinSize('abc').ok).toBe(false);
  });
});

describe('frame batching', () => {
  it('hands a burst over once per frame: every append, or only the latest snapshot', () => {
    const frames: (() => void)[] = [];
    const schedule = (cb: () => void) => frames.push(cb);
    const seen: number[][] = [];
    const b = new FrameBatch<number>((xs) => seen.push(xs), schedule);
    for (let i = 0; i < 100; i++) b.push(i);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(seen).toEqual([Array.from({ length: 100 }, (_, i) => i)]);
    const latest: number[] = [];
    const l = latestPerFrame<number>((x) => latest.push(x), schedule);
    l.push(1);
    l.push(2);
    frames.shift()!();
    l.push(3);
    l.stop();
    frames.shift()!();
    expect(latest).toEqual([2]);
  });
});

describe('market search', () => {
  const m = (base: string, quote: string, type = 'spot') => ({ symbol: type === 'perp' ? `${base}/${quote}:${quote}` : `${base}/${quote}`, base, quote, type });
  const markets = [m('ETHFI', 'USDT'), m('BTC', 'ETH'), m('ETH', 'USDT'), m('ETH', 'USDT', 'perp'), m('SOL', 'USDC'), m('BTC', 'USDT')];

  it('ranks exact bases above prefixes above quotes, and every word must match', () => {
    expect(searchMarkets(markets, 'eth').map((x) => x.symbol)).toEqual(['ETH/USDT', 'ETH/USDT:USDT', 'BTC/ETH', 'ETHFI/USDT']);
    expect(searchMarkets(markets, 'eth perp').map((x) => x.symbol)).toEqual(['ETH/USDT:USDT']);
    expect(searchMarkets(markets, 'BTC/USDT').map((x) => x.symbol)).toEqual(['BTC/USDT']);
    expect(searchMarkets(markets, 'sol usdt')).toEqual([]);
    expect(searchMarkets(markets, '', 2)).toHaveLength(2);
  });

  it('wraps the keyboard highlight at both ends', () => {
    expect(moveHighlight(-1, 1, 3)).toBe(0);
    expect(moveHighlight(-1, -1, 3)).toBe(2);
    expect(moveHighlight(2, 1, 3)).toBe(0);
    expect(moveHighlight(0, -1, 3)).toBe(2);
    expect(moveHighlight(0, 1, 0)).toBe(-1);
  });
});

describe('stream health', () => {
  const h = { state: 'live' as const, connected: true, lastMessageAgeMs: 300 };
  it('is red when the streams are down, amber while connecting or quiet, green when live', () => {
    expect(healthLevel(h)).toBe('ok');
    expect(healthLevel(h, STALE_MS)).toBe('stale');
    expect(healthLevel({ ...h, lastMessageAgeMs: null })).toBe('stale');
    expect(healthLevel({ ...h, connected: false })).toBe('down');
    for (const state of ['reconnecting', 'stalled', 'rate-limited', 'unreachable', 'failed'] as const) expect(healthLevel({ ...h, state })).toBe('down');
    expect(healthLevel({ ...h, state: 'connecting', connected: false })).toBe('stale');
    expect(healthLevel({ ...h, state: 'idle' })).toBe('idle');
    expect(fmtAge(400)).toBe('0.4 s');
    expect(fmtAge(65_000)).toBe('65 s');
    expect(fmtAge(null)).toBe('—');
  });
});

describe('venue capabilities', () => {
  it('names what an exchange serves over REST and what it streams', () => {
    expect(capsText({ fetchOHLCV: true, fetchTrades: true, fetchOrderBook: true, fetchTicker: 'emulated', watchOrderBook: true, watchTrades: true, watchOHLCV: false })).toBe('ohlcv · trades · book · ticker | ws: trades, book');
    expect(capsText({ fetchOHLCV: true })).toBe('ohlcv | polled');
    expect(capsText({})).toBe('no market data | polled');
  });
});
