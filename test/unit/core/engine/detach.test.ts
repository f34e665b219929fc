/** Detaching a strategy from a running kernel: it sees no later bar or fill, and the others miss nothing. */
import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../../../main/core/engine/strategy.ts';
import { harness } from '../engine-fixtures.ts';

describe('engine.detach', () => {
  it('stops one strategy from inside its own callback without skipping the next one', () => {
    const h = harness();
    const seen: Record<string, number[]> = { a: [], b: [], c: [] };
    const fills: string[] = [];
    const make = (id: string, onBar: Strategy['onBar']): Strategy => ({ id, onBar, onFill: () => fills.push(id) });
    const a: Strategy = make('a', (c) => {
      seen.a!.push(c.i);
      if (c.i === 0) c.submit({ side: 'buy', type: 'limit', qty: 1000, price: 9_000 }); // rests below the market
      if (c.i === 1) expect(h.engine.detach(a)).toBe(true);
    });
    const b = make('b', (c) => void seen.b!.push(c.i));
    const cc = make('c', (c) => void seen.c!.push(c.i));
    h.engine.attach('BTC/USDT', a, 60_000);
    h.engine.attach('BTC/USDT', b, 60_000);
    h.engine.attach('BTC/USDT', cc, 60_000);
    h.bar([100, 101, 99, 100]);
    h.bar([100, 101, 99, 100]);
    h.bar([100, 101, 89, 95]); // fills a's resting buy at 90.00 after a was detached
    h.bar([95, 96, 94, 95]);
    expect(seen).toEqual({ a: [0, 1], b: [0, 1, 2, 3], c: [0, 1, 2, 3] });
    expect(h.engine.portfolio.fills().length).toBe(1); // the order stays and fills: detaching cancels nothing
    expect(fills).toEqual([]); // ...but the detached strategy is not told
    expect(h.engine.detach(a)).toBe(false);
  });
});
