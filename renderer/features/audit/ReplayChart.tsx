import { fmtTime } from '../../app/format.ts';
import { useEffect, useRef, useState } from 'react';
import { call } from '../../ipc/client.ts';
import { useReplay } from '../../state/audit-replay.ts';
import { chartTheme, useSettings } from '../../state/settings.ts';
import { ChartView } from '../chart/lightweight.ts';

const MINUTE = 60_000;

/** Which stored candles a session traded on: the demo feed's 1m bars, or a backtest's data reference. */
function dataKey(data: Record<string, unknown>, fallbackSymbol: string | undefined): { source: string; symbol: string; timeframe: string } | null {
  const symbol = typeof data.symbol === 'string' ? data.symbol : fallbackSymbol;
  if (!symbol) return null;
  if (data.feed === 'demo') return { source: 'demo', symbol, timeframe: '1m' };
  const source = typeof data.source === 'string' ? data.source : typeof data.venue === 'string' ? data.venue : 'demo';
  return { source, symbol, timeframe: typeof data.timeframe === 'string' ? data.timeframe : '1m' };
}

/** The session's market around the scrubbed moment: candles, its fills so far, and a line at the moment. */
export function ReplayChart() {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<ChartView | null>(null);
  const theme = useSettings((s) => s.theme);
  const { session, setup, marks, state } = useReplay();
  const [bars, setBars] = useState(0);
  const symbol = setup?.strategy?.symbol ?? marks.find((m) => m.kind === 'fill')?.symbol ?? marks[0]?.symbol ?? setup?.instruments[0]?.symbol;
  const key = setup ? dataKey(setup.data, symbol) : null;

  useEffect(() => {
    const v = new ChartView(host.current!, chartTheme());
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => view.current?.setTheme(chartTheme()), [theme]);

  // Candles from an hour before the session's start to now (a running session keeps growing).
  useEffect(() => {
    if (!setup || !key) return;
    let live = true;
    const from = Math.max(0, Math.floor((setup.startTs - 60 * MINUTE) / MINUTE) * MINUTE);
    void call('market.candles', { ...key, from }, { quiet: true }).then((c) => {
      if (!live || !c || !view.current) return;
      const tick = setup.instruments.find((i) => i.symbol === key.symbol)?.tickSize;
      view.current.setCandles(c, tick ? Number(tick) : undefined);
      setBars(c.count);
      const at = useReplay.getState().state?.ts;
      if (at) view.current.showTime(at, 120);
      else view.current.showLast(120);
    });
    return () => {
      live = false;
    };
  }, [session, setup, key?.source, key?.symbol, key?.timeframe]);

  // Fills up to the moment as markers; the moment itself as a vertical line, kept in view.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const at = state?.ts ?? null;
    v.setMarkers(marks.filter((m) => m.kind === 'fill' && m.symbol === symbol && at !== null && m.ts <= at).map((m) => ({ ts: m.ts, side: m.side, text: m.text, id: String(m.seq) })));
    v.setTimeMarker(at, at === null ? '' : fmtTime(at));
    if (at !== null && bars) v.showTime(at, 120);
  }, [state, marks, symbol, bars]);

  return (
    <div className="replay-chart">
      <div className="replay-chart-label muted small">
        {key ? `${key.symbol} · ${key.source} · ${key.timeframe}` : 'No market data reference in this session'}
        {key && !bars && ' · no stored candles'}
      </div>
      <div className="chart-host" ref={host} data-testid="replay-chart" data-bars={bars} />
    </div>
  );
}
