import { describe, expect, it } from 'vitest';
import { heatColour } from '../../../renderer/features/studio/heat.ts';

const hue = (c: string) => Number(/^hsl\((\d+(?:\.\d+)?)/.exec(c)![1]);

describe('sweep heatmap colours', () => {
  it('a negative Sharpe is never green, even as the best of the sweep', () => {
    expect(hue(heatColour(-0.2, -1.5, -0.2))).toBe(0);
    expect(hue(heatColour(-1.5, -1.5, 0.8))).toBe(0);
    expect(hue(heatColour(0.8, -1.5, 0.8))).toBe(140);
  });
  it('all-positive values rank from red to green', () => {
    expect(hue(heatColour(1, 1, 3))).toBe(0);
    expect(hue(heatColour(3, 1, 3))).toBe(140);
  });
});
