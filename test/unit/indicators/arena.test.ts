/**
 * Reused output buffers (OutputArena, used by worker sweeps) must give exactly what fresh allocation gives,
 * whatever the previous computation left in them.
 */
import { describe, expect, it } from 'vitest';
import { computeIndicator, listIndicators, nanPrefixed, OutputArena, withOutputArena } from '../../../main/core/indicators/index.ts';
import { candles } from './fixtures.ts';

describe('OutputArena', () => {
  it('every indicator computed into dirty reused buffers equals the freshly allocated result, bit for bit', () => {
    const c = candles(700, 11, 60_000);
    const arena = new OutputArena();
    const specs = listIndicators().map((d) => d.name);
    // Two passes in opposite orders so each indicator gets buffers another one has written.
    for (const order of [specs, [...specs].reverse()]) {
      for (const spec of order) {
        const fresh = computeIndicator(spec, c).outputs;
        const reused = withOutputArena(arena, () => computeIndicator(spec, c).outputs);
        for (const [name, a] of Object.entries(fresh)) {
          const b = reused[name]!;
          expect(b.length).toBe(a.length);
          for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect.fail(`${spec} ${name}[${i}]: fresh ${a[i]} reused ${b[i]}`);
        }
        for (const b of Object.values(reused)) b.fill(12345.678);
        arena.release();
      }
    }
  });

  it('hands out the released buffers again and allocates fresh ones outside its scope', () => {
    const arena = new OutputArena();
    const first = withOutputArena(arena, () => nanPrefixed(10, 3));
    arena.release();
    const again = withOutputArena(arena, () => nanPrefixed(10, 4));
    expect(again).toBe(first);
    expect([...again.subarray(0, 5)]).toEqual([NaN, NaN, NaN, NaN, 0]);
    const outside = nanPrefixed(10, 4);
    expect(outside).not.toBe(first);
    // Not released yet: a second request of the same size gets a different buffer.
    expect(withOutputArena(arena, () => nanPrefixed(10, 0))).not.toBe(first);
  });
});
