import { useEffect, useRef, type RefObject } from 'react';
import { call } from '../../ipc/client.ts';
import { TIMEFRAME_MS, useChart } from '../../state/chart.ts';
import { useMarkets } from '../../state/markets.ts';
import type { Bar, ChartView } from '../chart/lightweight.ts';
import { mergeMinute } from '../chart/live-bar.ts';
import { useStream } from './stream-hub.ts';

/**
 * Continues a chart of a live venue's market with its 1m stream: minutes update a 1m chart in place; on higher
 * timeframes closed minutes build the bar and the forming minute is merged on top (epoch buckets, as the host
 * aggregates). A chart of demo or imported data is left alone.
 */
export function useVenueLiveBars(view: RefObject<ChartView | null>, onBar?: (shown: Bar) => void): void {
  const source = useChart((s) => s.source);
  const symbol = useChart((s) => s.symbol);
  const timeframe = useChart((s) => s.timeframe);
  const seq = useChart((s) => s.seq);
  const live = useMarkets((s) => s.venues.some((v) => v.id === source) || s.selected?.venue === source);
  // The bar the closed minutes have built so far, restarted from the stored series' last bar on every reload.
  const base = useRef<Bar | undefined>(undefined);
  useEffect(() => {
    const c = useChart.getState().candles;
    const k = c ? c.count - 1 : -1;
    base.current = c && k >= 0 ? { ts: c.ts[k]!, open: c.open[k]!, high: c.high[k]!, low: c.low[k]!, close: c.close[k]!, volume: c.volume[k]! } : undefined;
  }, [seq]);
  // A market opened before anything was stored starts empty; the stream manager's resync stores its history,
  // so the first update after that reloads the chart from the store (once per market, quietly).
  const refilled = useRef('');
  useStream(live ? source : '', symbol, 'ohlcv', (u) => {
    const key = `${source}|${symbol}`;
    if (!useChart.getState().candles?.count && (refilled.current !== key || u.bars.some((b) => b.closed))) {
      refilled.current = key;
      void call('market.candles', { source, symbol, timeframe }, { quiet: true }).then((r) => {
        const st = useChart.getState();
        if (r?.count && st.source === source && st.symbol === symbol && !st.candles?.count) void st.select({}).then(() => st.loadDatasets());
      });
    }
    const v = view.current;
    const tfMs = TIMEFRAME_MS[timeframe];
    if (!v || !tfMs) return;
    let shown: Bar | undefined;
    for (const b of u.bars) {
      if (tfMs === 60_000) {
        v.updateBar(b);
        shown = b;
        continue;
      }
      const merged = mergeMinute(base.current, b, tfMs);
      v.updateBar(merged);
      shown = merged;
      if (b.closed) base.current = merged;
    }
    if (shown) onBar?.(shown);
  });
}
