import { describe, expect, it } from 'vitest';
import { defaultLayout, normalise, sanitizeLayout } from '../../../renderer/state/layout.ts';

describe('stored Trade layouts', () => {
  it('keeps a well-formed layout as it was saved', () => {
    const l = { sizes: { 'trade.main': [0.7, 0.3] }, charts: 2, bottomTab: 'blotter', chartConfigs: [{ source: 'demo', symbol: 'BTC/USDT', timeframe: '4h', indicators: ['rsi:14'] }] };
    expect(sanitizeLayout(JSON.parse(JSON.stringify(l)))).toEqual(l);
  });

  it('drops what is off-shape field by field instead of refusing the whole layout', () => {
    const l = sanitizeLayout({ sizes: { a: [1, 'x'], b: [-1, 2], c: [2, 2], d: [1] }, charts: 99, bottomTab: 7, chartConfigs: [{ symbol: 'X' }, { source: 's', symbol: 'Y', timeframe: '1h', indicators: [3, 'ema:9'] }] });
    expect(l.sizes).toEqual({ c: [0.5, 0.5] });
    expect(l.charts).toBe(4);
    expect(l.bottomTab).toBe('blotter');
    expect(l.chartConfigs).toEqual([{ source: 's', symbol: 'Y', timeframe: '1h', indicators: ['ema:9'] }]);
  });

  it('falls back to the default for anything that is not an object', () => {
    for (const v of [null, 3, 'x', []]) expect(sanitizeLayout(v)).toEqual({ ...defaultLayout(), chartConfigs: [] });
    expect(sanitizeLayout({ charts: 0.5 }).charts).toBe(1);
  });

  it('normalises shares to sum to one', () => {
    expect(normalise([3, 1])).toEqual([0.75, 0.25]);
  });
});
