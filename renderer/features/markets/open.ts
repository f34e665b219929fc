import { useApp } from '../../state/app.ts';
import { useChart } from '../../state/chart.ts';
import { useMarkets, type WatchItem } from '../../state/markets.ts';
import { call } from '../../ipc/client.ts';

/**
 * Opens a market: its book and tape follow it, and the chart shows its stored 1m history (the stream manager
 * stores every closed bar under the venue's id) continuing live. A market with nothing stored yet starts as an
 * empty chart that fills from the stream.
 */
export async function openMarket(item: WatchItem): Promise<void> {
  useMarkets.getState().select(item);
  useApp.getState().setWorkspace('trade');
  const timeframe = '1m' as const;
  const stored = await call('market.candles', { source: item.venue, symbol: item.symbol, timeframe }, { quiet: true });
  if (useMarkets.getState().selected !== item) return;
  if (stored) {
    await useChart.getState().select({ source: item.venue, symbol: item.symbol, timeframe });
  } else {
    const none = new Float64Array(0);
    const st = useChart.getState();
    useChart.setState({
      source: item.venue, symbol: item.symbol, timeframe, loading: false, seq: st.seq + 1, linked: null,
      candles: { source: item.venue, symbol: item.symbol, timeframe, baseTimeframe: timeframe, synthetic: false, label: null, count: 0, ts: none, open: none, high: none, low: none, close: none, volume: none },
    });
  }
  // The chart's symbol list picks up the venue's dataset as soon as bars are stored.
  void useChart.getState().loadDatasets();
}
