import { describe, expect, it } from 'vitest';
import { mayFire, moveHit, priceHit, PriceHistory, type Rule } from '../../../main/core/alerts/conditions.ts';

describe('alert conditions', () => {
  const crosses = { kind: 'price', symbol: 'BTC/USDT', op: 'crosses', level: '42000' } as const;

  it('crosses fires on a move through the level either way, never on the first print or a touch from the same side', () => {
    expect(priceHit(crosses, undefined, '42100')).toBeNull();
    expect(priceHit(crosses, '41999.99', '42000')).toMatchObject({ detail: { direction: 'up', price: '42000' } });
    expect(priceHit(crosses, '42000.01', '41990')).toMatchObject({ detail: { direction: 'down' } });
    expect(priceHit(crosses, '42000', '42000.5')).toBeNull();
    expect(priceHit(crosses, '41000', '41999.99')).toBeNull();
  });

  it('above and below compare exact decimals', () => {
    const above = { ...crosses, op: 'above', level: '0.1' } as const;
    expect(priceHit(above, undefined, '0.1')).toBeNull();
    expect(priceHit(above, undefined, '0.10000001')?.message).toMatch(/above 0.1/);
    const below = { ...crosses, op: 'below', level: '0.3' } as const;
    expect(priceHit(below, undefined, '0.29999999')).not.toBeNull();
    expect(priceHit(below, undefined, '0.3')).toBeNull();
  });

  it('a % move is measured from the oldest price inside the window', () => {
    const h = new PriceHistory(60_000);
    const c = { kind: 'move', symbol: 'ETH/USDT', pct: '1', windowSec: 10 } as const;
    h.add(0, '100');
    h.add(5_000, '100.5');
    expect(moveHit(c, h, 5_000, '100.5')).toBeNull();
    h.add(9_000, '101');
    expect(moveHit(c, h, 9_000, '101')).toMatchObject({ detail: { from: '100', price: '101', movedPct: '1' } });
    // 11 s later the 100 print left the window: from 100.5 to 101.4 is under 1 %.
    h.add(11_000, '101.4');
    expect(moveHit(c, h, 11_000, '101.4')).toBeNull();
    h.add(12_000, '99.4');
    expect(moveHit(c, h, 12_000, '99.4')?.message).toMatch(/moved -1.09 %/);
  });

  it('once fires while armed; every waits out the cooldown', () => {
    const r: Rule = { id: 'a', account: 'demo', condition: crosses, repeat: 'every', cooldownSec: 60, armed: true, lastFiredAt: 1_000 };
    expect(mayFire(r, 30_000)).toBe(false);
    expect(mayFire(r, 61_000)).toBe(true);
    expect(mayFire({ ...r, armed: false }, 1e9)).toBe(false);
    expect(mayFire({ ...r, lastFiredAt: null }, 0)).toBe(true);
    // A once alert re-armed (its line moved) is not held back by the cooldown of its last firing.
    expect(mayFire({ ...r, repeat: 'once' }, 2_000)).toBe(true);
  });
});
