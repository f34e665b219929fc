import { describe, expect, it } from 'vitest';
import { generateDemoCandles } from '../../../main/core/data/index.ts';
import { ReplayFeed } from '../../../main/venues/replay/feed.ts';

describe('replay feed', () => {
  it('streams closed bars at the chosen speed; pause freezes, seek jumps, speed changes apply', () => {
    const c = generateDemoCandles({ days: 1 }).get('BTC/USDT')!;
    let wall = 0;
    const timers: (() => void)[] = [];
    const feed = new ReplayFeed(c, { symbol: 'BTC/USDT', intervalMs: 60_000, speed: 60, now: () => wall, schedule: (fn) => { timers.push(fn); return { cancel: () => {} }; } });
    const got: number[] = [];
    feed.onCandle((_, k) => got.push(k.ts));
    feed.play();
    wall += 10_000; // 10 s at 60x = 10 minutes of market time
    feed.advance();
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => c.ts[i]!));
    feed.pause();
    wall += 100_000;
    feed.advance();
    expect(got.length).toBe(10);
    feed.seek(c.ts[500]!);
    feed.setSpeed(600);
    feed.play();
    wall += 1_000; // 10 more minutes
    feed.advance();
    expect(got.slice(10)).toEqual(Array.from({ length: 10 }, (_, i) => c.ts[500 + i]!));
    feed.seek(c.ts[0]!);
    wall += 1_000_000;
    feed.advance();
    expect(feed.status().state).toBe('ended');
    expect(got.length).toBe(20 + c.ts.length);
  });
});
