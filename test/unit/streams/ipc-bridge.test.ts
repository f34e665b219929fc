/**
 * The bridge coalesces a market's updates between flushes: every trade (the newest maxTrades), each bar's
 * latest state in ts order with a closed bar never replaced by a later forming copy, the latest ticker; and
 * it never changes the update objects it was handed (other subscribers hold the same ones).
 */
import { describe, expect, it } from 'vitest';
import type { StreamUpdate } from '../../../main/contract/streams.ts';
import { createLogger } from '../../../main/host/log.ts';
import { StreamsBridge } from '../../../main/host/market-streams/ipc-bridge.ts';
import type { MarketStreams, StreamHandler } from '../../../main/host/market-streams/manager.ts';

const bar = (ts: number, close: number, closed = false) => ({ ts, open: 1, high: 2, low: 0.5, close, volume: 1, closed });
const trade = (id: number) => ({ id: String(id), ts: id, price: 100 + id, qty: 1, side: 'buy' as const });

describe('StreamsBridge coalescing', () => {
  it('merges trades, bars and tickers per market and kind until the flush', async () => {
    const handlers = new Map<string, StreamHandler>();
    const streams = {
      onHealth: () => () => {},
      health: async () => [],
      subscribe: async (venue: string, symbol: string, kinds: string[], h: StreamHandler) => {
        handlers.set(`${symbol}|${kinds[0]}`, h);
        return { venue, symbol, kinds, close() {} };
      },
    } as unknown as MarketStreams;
    const out: StreamUpdate[] = [];
    const bridge = new StreamsBridge({ streams, emit: (_ch, p) => void out.push(p as StreamUpdate), log: createLogger('t', 'silent'), flushMs: 20, maxTrades: 3 });
    await bridge.subscribe('c1', 'sim', 'BTC/USDT', ['trades', 'ohlcv', 'ticker']);
    const base = { venue: 'sim', symbol: 'BTC/USDT' };
    const first = { ...base, kind: 'trades' as const, trades: [trade(1), trade(2)] };
    handlers.get('BTC/USDT|trades')!(first);
    handlers.get('BTC/USDT|trades')!({ ...base, kind: 'trades', trades: [trade(3), trade(4)] });
    handlers.get('BTC/USDT|trades')!({ ...base, kind: 'trades', trades: [trade(5)] });
    const ohlcv = (bars: ReturnType<typeof bar>[]) => handlers.get('BTC/USDT|ohlcv')!({ ...base, kind: 'ohlcv', timeframe: '1m', bars });
    ohlcv([bar(120, 5)]);
    ohlcv([bar(60, 4, true)]);
    ohlcv([bar(120, 6), bar(180, 7)]);
    ohlcv([bar(60, 9)]);
    const ticker = (last: number) => handlers.get('BTC/USDT|ticker')!({ ...base, kind: 'ticker', ts: last, last, bid: null, ask: null, high: null, low: null, open: null, changePct: null, baseVolume: null, quoteVolume: null });
    ticker(1);
    ticker(2);
    for (let i = 0; i < 200 && out.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    const by = (k: string) => out.find((u) => u.kind === k)!;
    expect(out).toHaveLength(3);
    expect((by('trades') as Extract<StreamUpdate, { kind: 'trades' }>).trades.map((t) => t.id)).toEqual(['3', '4', '5']);
    expect((by('ohlcv') as Extract<StreamUpdate, { kind: 'ohlcv' }>).bars.map((b) => [b.ts, b.close, b.closed])).toEqual([[60, 4, true], [120, 6, false], [180, 7, false]]);
    expect((by('ticker') as Extract<StreamUpdate, { kind: 'ticker' }>).last).toBe(2);
    expect(first.trades).toHaveLength(2);
    bridge.close();
  });
});
