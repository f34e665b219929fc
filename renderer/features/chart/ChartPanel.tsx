import { useEffect, useMemo, useRef, useState } from 'react';
import { EmptyState } from '../../app/EmptyState.tsx';
import { Badge } from '../../app/ui/widgets.tsx';
import { fmtTime, stepDecimals } from '../../app/format.ts';
import { call, getClient } from '../../ipc/client.ts';
import { TIMEFRAME_MS, TIMEFRAMES, useChart, type ChartStore } from '../../state/chart.ts';
import { useLayout } from '../../state/layout.ts';
import { useConnection } from '../../state/connection.ts';
import { chartTheme, useSettings } from '../../state/settings.ts';
import { useTrading } from '../../state/trading.ts';
import { ChartView, type Bar, type Legend, type PriceLineSpec } from './lightweight.ts';
import { liquidationLine } from './liquidation-line.ts';
import { ChartTrading } from './ChartTrading.tsx';
import { ChartAlerts } from '../alerts/ChartAlerts.tsx';
import { followIndicators } from './indicator-follow.ts';
import { mergeMinute } from './live-bar.ts';
import { levelsFor } from './levels.ts';
import { placementOf } from './outputs.ts';
import { useVenueLiveBars } from '../markets/live-chart.ts';
import { useMarketReplay } from '../../state/market-replay.ts';

/** One chart of the Trade screen; `index` 0 is the primary chart (see createChartStore). */
export function ChartPanel({ store = useChart, index = 0 }: { store?: ChartStore; index?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<ChartView | null>(null);
  const connected = useConnection((s) => s.state === 'connected');
  const { datasets, datasetsLoaded, source, symbol, timeframe, candles, loading, active, seq, catalog, linked, focus } = store();
  const theme = useSettings((s) => s.theme);
  const instrument = useTrading((s) => s.instruments.find((i) => i.symbol === symbol));
  const last = useTrading((s) => s.prices[symbol]);
  const openOrders = useTrading((s) => s.openOrders);
  const positions = useTrading((s) => s.positions);
  const fills = useTrading((s) => s.fills);
  const [spec, setSpec] = useState('');
  const [following, setFollowing] = useState(true);
  const [legend, setLegend] = useState<Legend | null>(null);
  const prevLast = useRef<number | null>(null);
  // A market replay this chart shows (its source is the replay's account): its symbols, its bars as they are delivered.
  const replay = useMarketReplay((s) => (s.status && s.status.account === source ? s.status : null));
  /** Bars the replay added since the last load, and the newest bar's time (what the chart holds now). */
  const [edge, setEdge] = useState<{ seq: number; added: number; lastTs: number | null }>({ seq: -1, added: 0, lastTs: null });
  /** The chart's newest bar: a replay's next delivered bar is merged into it or follows it. */
  const replayBase = useRef<Bar | undefined>(undefined);

  useEffect(() => {
    if (connected && !datasetsLoaded) void store.getState().loadDatasets();
  }, [connected, datasetsLoaded]);

  // A saved layout applied: this chart shows what the layout holds for it.
  const applied = useLayout((s) => s.applied);
  useEffect(() => {
    const c = useLayout.getState().chartConfigs[index];
    if (applied && c && datasetsLoaded) void store.getState().applyConfig(c);
  }, [applied]);

  // The view lives as long as the panel; data changes go through its methods.
  useEffect(() => {
    const v = new ChartView(host.current!, chartTheme());
    v.onFollowChange = setFollowing;
    v.onLegend = setLegend;
    view.current = v;
    if (index === 0) (window as unknown as { __kestrelChart?: ChartView }).__kestrelChart = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => view.current?.setTheme(chartTheme()), [theme]);

  useEffect(() => {
    const n = last === undefined ? null : Number(last);
    view.current?.setLastPrice(n, n === null || prevLast.current === null || n >= prevLast.current);
    prevLast.current = n;
  }, [last, symbol]);

  useEffect(() => {
    const v = view.current;
    if (!v || !candles) return;
    // A timeframe switch keeps the moment in view (as traders expect); the view only ever holds a bounded window.
    v.switchCandles(candles, instrument ? Number(instrument.tickSize) : undefined, timeframe === '1m' ? 240 : 160);
    // instrument only sets price precision; a change of it alone need not reload bars
    const k = candles.count - 1;
    replayBase.current = k >= 0 ? { ts: candles.ts[k]!, open: candles.open[k]!, high: candles.high[k]!, low: candles.low[k]!, close: candles.close[k]!, volume: candles.volume[k]! } : undefined;
    setEdge({ seq, added: 0, lastTs: k >= 0 ? candles.ts[k]! : null });
  }, [candles, seq]);

  // A replay's delivered bars join the chart (merged into the chart's timeframe, as the host aggregates); a reset
  // (a backward seek, a new replay) reloads it from the replay.
  // At max speed every update is a reset: one reload per RELOAD_MS at most, the last one always made.
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const reloadSoon = () => {
    reloadTimer.current ??= setTimeout(() => {
      reloadTimer.current = undefined;
      void store.getState().select({});
    }, 250);
  };
  // Indicators follow the replay's new bars (the host computes them over the bars shown): at most twice a second.
  const indTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const indicatorsSoon = () => {
    indTimer.current ??= setTimeout(() => {
      indTimer.current = undefined;
      void store.getState().refreshIndicators();
    }, 500);
  };
  useEffect(() => () => (clearTimeout(reloadTimer.current), clearTimeout(indTimer.current)), []);
  useEffect(() => {
    if (!connected) return;
    return getClient().on('replay.update', (u) => {
      const st = store.getState();
      if (!u.status || u.status.account !== st.source || !view.current) return;
      if (u.reset) return reloadSoon();
      const tfMs = TIMEFRAME_MS[st.timeframe];
      const mine = u.bars.filter((b) => b.symbol === st.symbol);
      if (!mine.length || !tfMs) return;
      let added = 0;
      for (const b of mine) {
        const merged = mergeMinute(replayBase.current, b, tfMs);
        if (merged.ts !== replayBase.current?.ts) added++;
        view.current.updateBar(merged);
        replayBase.current = merged;
      }
      setEdge((e) => ({ seq: e.seq, added: e.added + added, lastTs: replayBase.current!.ts }));
      if (st.active.length) indicatorsSoon();
    });
  }, [connected]);

  // Where the replay's range starts (the bars before it are context, not replayed); only over bars, never on an empty chart.
  const hasBars = (candles?.count ?? 0) + edge.added > 0;
  useEffect(() => view.current?.setTimeMarker(replay && hasBars ? replay.from : null, 'replay start'), [replay?.from, hasBars, seq]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const want = new Set<string>();
    for (const a of active) {
      a.series.outputs.forEach((o, i) => {
        const key = `${a.spec}${a.series.outputs.length > 1 ? `.${o.name}` : ''}`;
        want.add(key);
        const color = i === 0 ? a.color : shade(a.color, i);
        const at = placementOf(a.spec, a.series.overlay, o.name);
        v.setLine(key, at.pane, a.series.ts, o.values, { placement: at.placement, style: at.style, color, levels: i === 0 ? levelsFor(a.series.name) : [] });
      });
    }
    for (const k of v.lineKeys()) if (!want.has(k)) v.removeLine(k);
  }, [active, seq]);

  // Live candles from the paper feed: 1m bars update in place. Other timeframes: each forming minute is merged
  // into the bar the closed minutes make (`base`); when a minute closes, the host's re-aggregated tail becomes the base.
  const base = useRef<{ key: string; bar: Bar | undefined }>({ key: '', bar: undefined });
  // Indicators follow the live bar too (throttled; the host recomputes with the forming bar at the end).
  const follower = useMemo(() => followIndicators((forming) => {
    if (store.getState().active.length) void store.getState().refreshIndicators(forming);
  }), [store]);
  useEffect(() => () => follower.cancel(), [follower]);
  useEffect(() => follower.cancel(), [seq, follower]);
  useVenueLiveBars(view, follower.bar);
  useEffect(() => {
    if (!connected) return;
    return getClient().on('trading.candle', (c) => {
      const st = store.getState();
      if (c.symbol !== st.symbol || c.source !== st.source || !view.current) return;
      if (st.timeframe === '1m') {
        view.current.updateBar(c);
        return follower.bar(c);
      }
      const tfMs = TIMEFRAME_MS[st.timeframe];
      if (!tfMs || !st.candles || !st.candles.count) return;
      const key = `${st.source}|${st.symbol}|${st.timeframe}|${st.candles.ts[0]}`;
      if (base.current.key !== key) {
        const k = st.candles.count - 1;
        base.current = { key, bar: { ts: st.candles.ts[k]!, open: st.candles.open[k]!, high: st.candles.high[k]!, low: st.candles.low[k]!, close: st.candles.close[k]!, volume: st.candles.volume[k]! } };
      }
      const shown = mergeMinute(base.current.bar, c, tfMs);
      follower.bar(shown);
      if (!c.closed) return view.current.updateBar(shown);
      const from = base.current.bar?.ts ?? st.candles.ts[st.candles.count - 1]!;
      void call('market.candles', { source: st.source, symbol: st.symbol, timeframe: st.timeframe, from }, { quiet: true }).then((r) => {
        if (!r || !r.count || base.current.key !== key) return;
        for (let i = 0; i < r.count; i++) view.current?.updateBar({ ts: r.ts[i]!, open: r.open[i]!, high: r.high[i]!, low: r.low[i]!, close: r.close[i]!, volume: r.volume[i]! });
        const k = r.count - 1;
        base.current = { key, bar: { ts: r.ts[k]!, open: r.open[k]!, high: r.high[k]!, low: r.low[k]!, close: r.close[k]!, volume: r.volume[k]! } };
      });
    });
  }, [connected]);

  useEffect(() => {
    const lines: PriceLineSpec[] = openOrders
      .filter((o) => o.symbol === symbol)
      .flatMap((o) => {
        const side = o.side === 'buy' ? 'BUY' : 'SELL';
        const kind = o.side === 'buy' ? 'order-buy' : 'order-sell';
        const out: PriceLineSpec[] = [];
        // A stop-limit is two prices: where it triggers (stop line) and the limit it then rests at.
        if (o.triggerPrice) out.push({ id: `${o.clientOrderId}:trigger`, price: Number(o.triggerPrice), title: `${side} ${o.price ? 'STOP-LMT trigger' : 'STOP'} ${o.remainingQty}`, kind: 'stop' });
        if (o.price) out.push({ id: o.clientOrderId, price: Number(o.price), title: `${side} ${o.triggerPrice ? 'LMT after trigger' : 'LMT'} ${o.remainingQty}`, kind });
        return out;
      });
    const pos = positions.find((p) => p.symbol === symbol && p.side !== 'flat');
    if (pos?.avgPrice) lines.push({ id: 'position', price: Number(pos.avgPrice), title: `POS ${pos.qty}`, kind: 'position' });
    const liq = liquidationLine(positions, symbol);
    if (liq) lines.push(liq);
    view.current?.setPriceLines(lines);
  }, [openOrders, positions, symbol]);

  useEffect(() => {
    const own = fills.filter((f) => f.symbol === symbol).map((f) => ({ ts: f.ts, side: f.side, text: `${f.side === 'buy' ? 'B' : 'S'} ${f.qty}`, id: f.tradeId, price: Number(f.price) }));
    view.current?.setMarkers([...own, ...(linked?.markers ?? [])]);
  }, [fills, symbol, seq, linked]);

  // Applied once per click: a later reload keeps whatever the user scrolled to instead of jumping back.
  useEffect(() => {
    if (focus) view.current?.showTime(focus.ts, 160);
  }, [focus]);

  const symbols = useMemo(
    () => (replay ? replay.symbols.map((symbol) => ({ source: replay.account, symbol })) : [...new Map(datasets.map((d) => [`${d.source}|${d.symbol}`, d])).values()]),
    [datasets, replay?.account, replay?.symbols.join()],
  );
  /** A replay is charted at its timeframe or a multiple of it (the host aggregates; it cannot split a bar). */
  const replayTf = replay ? TIMEFRAME_MS[replay.timeframe as keyof typeof TIMEFRAME_MS] : undefined;
  const synthetic = candles?.synthetic;

  const add = async () => {
    if (await store.getState().addIndicator(spec)) setSpec('');
  };

  return (
    <div className="panel-body" data-testid={index ? `panel-chart-${index}` : 'panel-chart'}>
      <div className="panel-header chart-toolbar">
        <select aria-label="Symbol" value={`${source}|${symbol}`} onChange={(e) => void store.getState().select({ source: e.target.value.split('|')[0]!, symbol: e.target.value.split('|')[1]! })} disabled={!symbols.length}>
          {!symbols.length && <option value="|">No data</option>}
          {symbols.map((d) => (
            <option key={`${d.source}|${d.symbol}`} value={`${d.source}|${d.symbol}`}>
              {d.symbol} · {replay ? `replay of ${replay.source}` : d.source}
            </option>
          ))}
        </select>
        <div className="seg" role="group" aria-label="Timeframe">
          {TIMEFRAMES.map((tf) => (
            <button key={tf} className={tf === timeframe ? 'active' : ''} aria-pressed={tf === timeframe} disabled={!!replayTf && TIMEFRAME_MS[tf] % replayTf !== 0} onClick={() => void store.getState().select({ timeframe: tf })}>
              {tf === '1d' ? '1D' : tf}
            </button>
          ))}
        </div>
        <form
          className="ind-add"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <input list={`indicator-catalog-${index}`} aria-label="Indicator" placeholder="+ indicator (rsi:14)" value={spec} onChange={(e) => setSpec(e.target.value)} size={13} />
          <datalist id={`indicator-catalog-${index}`}>
            {catalog.map((c) => (
              <option key={c.name} value={[c.name, ...c.positional.map((p) => c.defaults[p]).filter((x) => typeof x === 'number')].join(':')}>
                {c.title}
              </option>
            ))}
          </datalist>
          <button type="submit" disabled={!spec.trim() || !symbol}>
            Add
          </button>
        </form>
        <div className="chips" aria-label="Indicators on the chart">
          {active.map((a) => (
            <span key={a.spec} className="chip" style={{ borderColor: a.color }} data-testid={`indicator-${a.spec}`}>
              <span style={{ color: a.color }} title={a.series.title}>
                {a.series.name.toUpperCase()}
              </span>{' '}
              {a.spec.split(':').slice(1).join(' ')}
              <button className="ghost" aria-label={`Remove ${a.spec}`} onClick={() => store.getState().removeIndicator(a.spec)}>
                ×
              </button>
            </span>
          ))}
        </div>
        <div className="panel-actions">
          {linked && (
            <span className="chip" title="Trades of a backtest drawn on the chart">
              {linked.label}
              <button className="ghost" aria-label="Hide backtest trades" onClick={() => store.setState({ linked: null })}>
                ×
              </button>
            </span>
          )}
          {!following && (
            <button className="small" onClick={() => view.current?.showLast(timeframe === '1m' ? 240 : 160)} title="Scroll to the newest bar and follow it">
              Go to now ⇥
            </button>
          )}
          {synthetic && <Badge kind="warn">SYNTHETIC</Badge>}
          {last && (
            <span className="last-price num" data-testid={index ? `last-price-${index}` : 'last-price'} title="Last price from the feed">
              {last}
            </span>
          )}
        </div>
      </div>
      <div className="chart-host" ref={host} data-testid={index ? `chart-${index}` : 'chart'} data-bars={(candles?.count ?? 0) + (edge.seq === seq ? edge.added : 0)} data-last-ts={edge.lastTs ?? ''} aria-busy={loading}>
        {datasetsLoaded && !datasets.length && (
          <div className="chart-overlay">
            <EmptyState title="No market data yet">Import a CSV or run a backfill in the Data workspace (Alt+5).</EmptyState>
          </div>
        )}
        {legend && <ChartLegend legend={legend} tick={instrument?.tickSize} />}
        {instrument && <ChartTrading view={view} host={host} symbol={symbol} tick={instrument.tickSize} />}
        {instrument && <ChartAlerts view={view} host={host} symbol={symbol} tick={instrument.tickSize} />}
        {loading && <div className="chart-loading">Loading {symbol} {timeframe}…</div>}
      </div>
    </div>
  );
}

/** OHLC and indicator values under the crosshair, at the instrument's precision. */
function ChartLegend({ legend, tick }: { legend: Legend; tick: string | undefined }) {
  const dp = stepDecimals(tick) || 2;
  const f = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: dp, maximumFractionDigits: dp });
  const up = legend.close >= legend.open;
  return (
    <div className="chart-legend num" data-testid="chart-legend">
      <span className="muted">{fmtTime(legend.ts, false)}</span> O <b>{f(legend.open)}</b> H <b>{f(legend.high)}</b> L <b>{f(legend.low)}</b> C <b className={up ? 'pos' : 'neg'}>{f(legend.close)}</b>
      {legend.values.map((v) => (
        <span key={v.key} className="legend-line">
          {v.key} <b>{Math.abs(v.value) >= 1000 ? f(v.value) : v.value.toFixed(Math.abs(v.value) < 10 ? 4 : 2)}</b>
        </span>
      ))}
    </div>
  );
}

function shade(hex: string, i: number): string {
  const alt = ['#8c8c8c', '#5b8ff9', '#ff7875'];
  return alt[(i - 1) % alt.length] ?? hex;
}
