import { useEffect, useRef } from 'react';
import { fmtTime } from '../../app/format.ts';
import { useMarketReplay } from '../../state/market-replay.ts';
import { chartTheme, useSettings } from '../../state/settings.ts';
import { ChartView } from '../chart/lightweight.ts';

/**
 * The replay's chart: only bars the replay clock has passed (the host never hands out a later one), context
 * before the range included; new bars join as they are delivered, a reset (new replay, backward seek) redraws.
 */
export function MarketReplayChart() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<ChartView | null>(null);
  const drawn = useRef({ epoch: -1, n: 0 });
  const theme = useSettings((s) => s.theme);
  const { bars, barsEpoch, status, orders } = useMarketReplay();

  useEffect(() => {
    const v = new ChartView(host.current!, chartTheme());
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => view.current?.setTheme(chartTheme()), [theme]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const d = drawn.current;
    if (d.epoch !== barsEpoch || bars.length < d.n) {
      const col = (k: 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array.from(bars, (b) => b[k]);
      v.setCandles({ ts: col('ts'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') }, status ? Number(status.tickSize) : undefined);
      v.showLast(150);
    } else {
      for (let i = d.n; i < bars.length; i++) v.updateBar(bars[i]!);
    }
    drawn.current = { epoch: barsEpoch, n: bars.length };
  }, [bars, barsEpoch, status?.tickSize]);

  // Where the replay's range starts: the bars before it are context, not replayed.
  useEffect(() => view.current?.setTimeMarker(status ? status.from : null, 'replay start'), [status?.from, barsEpoch]);

  // Working limit and stop prices as lines, so the trader sees where the bars must go to fill them.
  useEffect(() => {
    view.current?.setPriceLines(
      orders
        .filter((o) => o.open && (o.price ?? o.triggerPrice))
        .map((o) => ({ id: o.clientOrderId, price: Number(o.price ?? o.triggerPrice), kind: o.side === 'buy' ? ('order-buy' as const) : ('order-sell' as const), title: `${o.side} ${o.remainingQty}` })),
    );
  }, [orders]);

  const last = bars.length ? bars[bars.length - 1]! : undefined;
  return (
    <div className="mreplay-chart">
      <div className="muted small mreplay-chart-label">
        {status ? `${status.symbol} · ${status.source} · ${status.timeframe} · replay clock ${fmtTime(status.clock)}` : 'Start a replay to see its bars'}
      </div>
      <div className="chart-host" ref={host} data-testid="mreplay-market-chart" data-bars={bars.length} data-last-ts={last?.ts ?? ''} />
    </div>
  );
}
