/**
 * The ONE module that imports lightweight-charts (lint enforces it). Everything else talks to a chart through
 * `ChartView`, which takes columnar typed arrays as the host sends them: no JSON objects cross the wire, and the
 * per-bar objects the library needs are built here in one tight loop.
 */
import {
  AreaSeries,
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineSeries,
  LineStyle,
  TickMarkType,
  type AutoscaleInfo,
  type CandlestickData,
  type HistogramData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type LineData,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
  type WhitespaceData,
} from 'lightweight-charts';

/** Candles as columns; `ts` is the bar open time in epoch ms. */
export interface CandleArrays {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume?: Float64Array;
}

export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume?: number;
}

export interface ChartTheme {
  background: string;
  text: string;
  grid: string;
  up: string;
  down: string;
}

export interface TradeMarker {
  ts: number;
  side: 'buy' | 'sell';
  text?: string;
  id?: string;
  /** Where it filled: the arrow's tip sits at this price (without one it is stacked above/below the bar). */
  price?: number;
}

/** A marker as drawn (for tests): the bar it sits on and where. */
export interface DrawnMarker {
  ts: number;
  position: string;
  price: number | null;
  id: string | null;
}

export interface PriceLineSpec {
  id: string;
  price: number;
  title: string;
  kind: 'order-buy' | 'order-sell' | 'position' | 'stop' | 'liquidation';
}

export interface LineSpec {
  /** 'price' draws over the candles; 'pane' gives the series its own pane below (shared by one indicator's outputs). */
  placement: 'price' | 'pane';
  color: string;
  /** Fixed guide levels (RSI 30/70) drawn in the pane. */
  levels?: readonly number[];
  /** Columns from zero (MACD histogram) instead of a line. */
  style?: 'line' | 'histogram';
}

/** What the crosshair is on: the bar's OHLC and each indicator line's value. */
export interface Legend {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  values: { key: string; value: number }[];
}

/** Where a line ended up (for tests and the legend): its pane and the range of the values it holds. */
export interface LinePlacement {
  key: string;
  pane: number;
  min: number;
  max: number;
  style: 'line' | 'histogram';
}

const sec = (ms: number) => Math.floor(ms / 1000) as UTCTimestamp;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Axis labels in the workstation's display zone (the library's own are UTC). Bars stay on UTC times. */
export function tickLabel(time: Time, type: TickMarkType): string {
  const ms = (time as number) * 1000;
  switch (type) {
    case TickMarkType.Year:
      return timePart(ms, 'year');
    case TickMarkType.Month:
      return MONTHS[Number(timePart(ms, 'month')) - 1]!;
    case TickMarkType.DayOfMonth:
      return String(Number(timePart(ms, 'day')));
    case TickMarkType.TimeWithSeconds:
      return `${timePart(ms, 'hour')}:${timePart(ms, 'minute')}:${timePart(ms, 'second')}`;
    default:
      return `${timePart(ms, 'hour')}:${timePart(ms, 'minute')}`;
  }
}

const zoned = { localization: { timeFormatter: (t: Time) => fmtTime((t as number) * 1000, false) } };

import { EDGE, FIRST_WINDOW, lowerBound, windowAround } from './window.ts';
import { fmtTime, timePart } from '../../app/format.ts';

export { FIRST_WINDOW, lowerBound, windowAround };

/** Column → bar objects in one pass; NaN inputs become whitespace so gaps stay gaps. */
export function toCandleData(c: CandleArrays, from = 0, to = c.ts.length): (CandlestickData<Time> | WhitespaceData<Time>)[] {
  const out = new Array<CandlestickData<Time> | WhitespaceData<Time>>(to - from);
  const { ts, open, high, low, close } = c;
  for (let i = from; i < to; i++) {
    const o = open[i]!;
    const time = sec(ts[i]!);
    out[i - from] = o === o ? { time, open: o, high: high[i]!, low: low[i]!, close: close[i]! } : { time };
  }
  return out;
}

export function toVolumeData(c: CandleArrays, up: string, down: string, from = 0, to = c.ts.length): HistogramData<Time>[] {
  const out = new Array<HistogramData<Time>>(to - from);
  const { ts, open, close } = c;
  const vol = c.volume!;
  for (let i = from; i < to; i++) out[i - from] = { time: sec(ts[i]!), value: vol[i]!, color: close[i]! >= open[i]! ? up : down };
  return out;
}

export function toLineData(ts: Float64Array, values: Float64Array, from = 0, to = ts.length): (LineData<Time> | WhitespaceData<Time>)[] {
  const out = new Array<LineData<Time> | WhitespaceData<Time>>(to - from);
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    out[i - from] = v === v ? { time: sec(ts[i]!), value: v } : { time: sec(ts[i]!) };
  }
  return out;
}

/** An autoscale that keeps fixed levels (an oscillator's guides) in view along with the data. */
function withLevels(levels: readonly number[]): (base: () => AutoscaleInfo | null) => AutoscaleInfo | null {
  const lo = Math.min(...levels);
  const hi = Math.max(...levels);
  return (base) => {
    const r = base();
    if (!r?.priceRange) return { priceRange: { minValue: lo, maxValue: hi } };
    return { ...r, priceRange: { minValue: Math.min(r.priceRange.minValue, lo), maxValue: Math.max(r.priceRange.maxValue, hi) } };
  };
}

const sameLevels = (a: readonly number[], b: readonly number[] = []) => a.length === b.length && a.every((x, i) => x === b[i]);

const lineColors: Record<PriceLineSpec['kind'], (t: ChartTheme) => string> = {
  'order-buy': (t) => t.up,
  'order-sell': (t) => t.down,
  position: () => '#4c8dff',
  stop: () => '#f0b429',
  liquidation: () => '#e5484d',
};

export class ChartView {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly volume: ISeriesApi<'Histogram'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private readonly lines = new Map<string, { series: ISeriesApi<'Line'> | ISeriesApi<'Histogram'>; guides: IPriceLine[]; group: string; ts: Float64Array; values: Float64Array; style: 'line' | 'histogram'; levels: readonly number[] }>();
  private readonly paneOf = new Map<string, number>();
  private priceLines: IPriceLine[] = [];
  /** The price lines drawn now (the canvas holds no DOM to ask: tests and tools read them here). */
  priceLineSpecs: readonly PriceLineSpec[] = [];
  private marks: TradeMarker[] = [];
  private theme: ChartTheme;
  private cols: CandleArrays | null = null;
  /** Bars that arrived live after the columns were loaded, kept so a window rebuild does not drop them. */
  private live: Bar[] = [];
  private start = 0;
  /** End of the window over the columns (exclusive); live bars are shown only when it reaches the last column. */
  private end = 0;
  private extending = false;
  private settleToken = 0;
  private precision = -1;
  /** Told whether the right edge (the newest bar) is in view, so the panel can offer "go to now". */
  onFollowChange: ((following: boolean) => void) | null = null;
  private following = true;
  private readonly container: HTMLElement;
  /** A vertical line at one moment (audit replay); an overlay, since the library draws no vertical lines. */
  private timeMark: { ts: number; el: HTMLDivElement } | null = null;

  constructor(container: HTMLElement, theme: ChartTheme) {
    this.theme = theme;
    this.container = container;
    this.chart = createChart(container, {
      ...zoned,
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: theme.background }, textColor: theme.text, fontSize: 11, attributionLogo: false, panes: { separatorColor: theme.grid } },
      grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: theme.grid },
      timeScale: { borderColor: theme.grid, timeVisible: true, secondsVisible: false, rightOffset: 6, tickMarkFormatter: tickLabel },
    });
    // The axis tag is the live last price (a price line), not the library's last value of the data in view,
    // which reads as the market price while the user looks at the past.
    this.candles = this.chart.addSeries(CandlestickSeries, { upColor: theme.up, downColor: theme.down, borderVisible: false, wickUpColor: theme.up, wickDownColor: theme.down, lastValueVisible: false, priceLineVisible: false });
    this.volume = this.chart.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    this.chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.82, bottom: 0 } });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.06, bottom: 0.2 } });
    this.markers = createSeriesMarkers(this.candles, []);
    this.chart.timeScale().subscribeVisibleLogicalRangeChange((r) => {
      if (r && !this.extending && this.cols) {
        if (r.from < EDGE && this.start > 0) this.slide(-1);
        else if (r.to > this.candles.data().length - EDGE && this.end < this.cols.ts.length) this.slide(1);
      }
      this.placeTimeMarker();
      const n = this.candles.data().length;
      const following = !r || (this.atEnd() && r.to >= n - 2);
      if (following !== this.following) {
        this.following = following;
        this.onFollowChange?.(following);
      }
    });
    this.chart.timeScale().subscribeSizeChange(() => this.placeTimeMarker());
    this.chart.subscribeCrosshairMove((p) => {
      if (!this.onLegend) return;
      const bar = p.time === undefined ? undefined : (p.seriesData.get(this.candles) as CandlestickData<Time> | undefined);
      const values: { key: string; value: number }[] = [];
      for (const [key, l] of this.lines) {
        const d = p.time === undefined ? undefined : (p.seriesData.get(l.series) as LineData<Time> | undefined);
        if (d && typeof d.value === 'number') values.push({ key, value: d.value });
      }
      this.onLegend(bar && 'open' in bar ? { ts: (bar.time as number) * 1000, open: bar.open, high: bar.high, low: bar.low, close: bar.close, values } : null);
    });
  }

  /** Told the bar and indicator values under the crosshair (null when it leaves the chart). */
  onLegend: ((l: Legend | null) => void) | null = null;
  private lastLine: IPriceLine | null = null;

  /** The live last price on the axis, whatever part of history is in view. */
  setLastPrice(price: number | null, up: boolean): void {
    if (price === null || !Number.isFinite(price)) {
      if (this.lastLine) this.candles.removePriceLine(this.lastLine);
      this.lastLine = null;
      return;
    }
    const color = up ? this.theme.up : this.theme.down;
    if (!this.lastLine) this.lastLine = this.candles.createPriceLine({ price, color, lineWidth: 1, lineStyle: LineStyle.Dotted, axisLabelVisible: true, title: '' });
    else this.lastLine.applyOptions({ price, color });
  }

  /** Marks one moment with a vertical line (null removes it); the line sits on the bar containing `ts`. */
  setTimeMarker(ts: number | null, label = ''): void {
    if (ts === null) {
      this.timeMark?.el.remove();
      this.timeMark = null;
      return;
    }
    if (!this.timeMark) {
      const el = document.createElement('div');
      el.className = 'chart-time-marker';
      el.setAttribute('data-testid', 'chart-time-marker');
      this.container.appendChild(el);
      this.timeMark = { ts, el };
    }
    this.timeMark.ts = ts;
    this.timeMark.el.title = label;
    if (label) this.timeMark.el.setAttribute('data-label', label);
    this.timeMark.el.setAttribute('data-ts', String(ts));
    this.placeTimeMarker();
  }

  private placeTimeMarker(): void {
    const m = this.timeMark;
    if (!m) return;
    const bars = this.candles.data();
    let x: number | null = null;
    if (bars.length) {
      // The bar containing ts: the last bar opening at or before it.
      let lo = 0, hi = bars.length - 1;
      const t = m.ts / 1000;
      if (t >= (bars[0]!.time as number)) {
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if ((bars[mid]!.time as number) <= t) lo = mid;
          else hi = mid - 1;
        }
        x = this.chart.timeScale().timeToCoordinate(bars[lo]!.time);
      }
    }
    m.el.style.display = x === null ? 'none' : '';
    if (x !== null) m.el.style.left = `${Math.round(x)}px`;
  }

  /** Replaces all candles. Price precision follows the instrument's tick so the axis shows real prices. */
  setCandles(c: CandleArrays, tick?: number): void {
    this.setPrecision(tick);
    this.cols = c;
    this.live = [];
    this.start = Math.max(0, c.ts.length - FIRST_WINDOW);
    this.end = c.ts.length;
    this.feed();
  }

  /**
   * Replaces the candles keeping the moment in view (a timeframe switch, as traders expect): the window is built
   * around that moment and handed to the library ONCE. Setting the bars at the live edge and then moving the
   * window back fed the library two or three windows per switch (the move also tripped the edge slide), which
   * was most of a far-back switch's time. `span`: bars in view; the live edge is followed when it was in view.
   */
  switchCandles(c: CandleArrays, tick: number | undefined, span: number): void {
    const at = this.viewedTime();
    this.setPrecision(tick);
    this.cols = c;
    this.live = [];
    const n = c.ts.length;
    const i = at === null ? n - 1 : Math.min(n - 1, lowerBound(c.ts, at));
    const w = at === null ? { start: Math.max(0, n - FIRST_WINDOW), end: n } : windowAround(n, i);
    this.start = w.start;
    this.end = w.end;
    this.extending = true;
    this.feed();
    const shown = this.candles.data().length;
    if (at === null) this.chart.timeScale().setVisibleLogicalRange({ from: shown - span, to: shown + 5 });
    else this.chart.timeScale().setVisibleLogicalRange({ from: i - w.start - span / 2, to: i - w.start + span / 2 });
    this.settle();
  }

  private setPrecision(tick: number | undefined): void {
    if (!tick || !(tick > 0)) return;
    const precision = Math.max(0, Math.min(10, Math.ceil(-Math.log10(tick) - 1e-9)));
    if (precision === this.precision) return;
    this.precision = precision;
    this.candles.applyOptions({ priceFormat: { type: 'price', precision, minMove: tick } });
  }

  /** No edge slide until the library has delivered the range changes a programmatic move causes (two frames). */
  private settle(): void {
    const token = ++this.settleToken;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (token === this.settleToken) this.extending = false;
    }));
  }

  /** The time at the middle of what is in view, or null when the newest bar is in view (the view follows it). */
  viewedTime(): number | null {
    if (this.following) return null;
    const r = this.chart.timeScale().getVisibleLogicalRange();
    const bars = this.candles.data();
    if (!r || !bars.length) return null;
    const i = Math.max(0, Math.min(bars.length - 1, Math.round((r.from + r.to) / 2)));
    return (bars[i]!.time as number) * 1000;
  }

  /** A live bar: updates the last bar or appends a new one (older bars are ignored, as the library requires). */
  updateBar(b: Bar): void {
    const last = this.live.length ? this.live[this.live.length - 1]!.ts : this.cols?.ts.length ? this.cols.ts[this.cols.ts.length - 1]! : -Infinity;
    if (b.ts < last) return;
    if (b.ts === last && this.live.length) this.live[this.live.length - 1] = b;
    else if (b.ts > last) this.live.push(b);
    // A window scrolled back in time ends before the newest bar: the live bar joins when the window reaches it.
    if (!this.atEnd()) return;
    this.candles.update({ time: sec(b.ts), open: b.open, high: b.high, low: b.low, close: b.close });
    if (b.volume !== undefined) this.volume.update({ time: sec(b.ts), value: b.volume, color: this.alpha(b.close >= b.open ? this.theme.up : this.theme.down) });
  }

  /** Adds or replaces one line; lines sharing a `group` with placement 'pane' share one pane. */
  setLine(key: string, group: string, ts: Float64Array, values: Float64Array, spec: LineSpec): void {
    const style = spec.style ?? 'line';
    const had = this.lines.get(key);
    // Same line, new values (a timeframe switch): new data into the series it has, no series or pane re-made.
    if (had && had.group === group && had.style === style && sameLevels(had.levels, spec.levels)) {
      had.ts = ts;
      had.values = values;
      had.series.applyOptions({ color: spec.color });
      had.series.setData(this.lineWindow(ts, values));
      return;
    }
    this.removeLine(key);
    let pane = 0;
    if (spec.placement === 'pane') {
      pane = this.paneOf.get(group) ?? this.chart.panes().length;
      this.paneOf.set(group, pane);
    }
    const series =
      style === 'histogram'
        ? this.chart.addSeries(HistogramSeries, { color: spec.color, priceLineVisible: false, lastValueVisible: true, title: key }, pane)
        : this.chart.addSeries(LineSeries, { color: spec.color, lineWidth: 2, priceLineVisible: false, lastValueVisible: true, crosshairMarkerVisible: false, title: key }, pane);
    series.setData(this.lineWindow(ts, values));
    const levels = spec.levels ?? [];
    const guides = levels.map((price) => series.createPriceLine({ price, color: this.theme.text, lineStyle: LineStyle.Dashed, lineWidth: 1, axisLabelVisible: true, title: '' }));
    // Guides are price lines, which the scale ignores: without this an RSI between 35 and 60 hid its 30/70 lines.
    if (levels.length) series.applyOptions({ autoscaleInfoProvider: withLevels(levels) });
    this.lines.set(key, { series, guides, group, ts, values, style, levels: spec.levels ?? [] });
    if (pane > 0) this.sizePanes();
  }

  /**
   * Oscillator panes a trader can read: the library gives the candles' pane a stretch of 2 and a new pane 1, and
   * a stretch of 0.45 left an RSI pane at ~70 px. One indicator pane gets a third of the chart, two a quarter each;
   * beyond that they share what leaves the candles 40 %.
   */
  private sizePanes(): void {
    const panes = this.chart.panes();
    const n = panes.length - 1;
    if (n < 1) return;
    panes[0]!.setStretchFactor(2);
    const each = Math.min(1, 3 / n);
    for (let i = 1; i < panes.length; i++) panes[i]!.setStretchFactor(each);
  }

  removeLine(key: string): void {
    const l = this.lines.get(key);
    if (!l) return;
    this.chart.removeSeries(l.series);
    this.lines.delete(key);
    // The library drops a pane once its last series goes; rebuild the group → pane map from what is left.
    this.paneOf.clear();
    for (const v of this.lines.values()) {
      const p = v.series.getPane().paneIndex();
      if (p > 0) this.paneOf.set(v.group, p);
    }
    this.sizePanes();
  }

  /** Height in px of the candles' pane (what priceToY places in; indicator panes and the time axis are below it). */
  candlePaneHeight(): number {
    return this.chart.panes()[0]?.getHeight() ?? 0;
  }

  /** Height in px of each pane (0: the candles), and the guide levels each line draws (for tests). */
  paneLayout(): { heights: number[]; guides: Record<string, { price: number; y: number | null }[]> } {
    return {
      heights: this.chart.panes().map((p) => p.getHeight()),
      guides: Object.fromEntries([...this.lines].map(([k, l]) => [k, l.guides.map((g) => ({ price: g.options().price, y: l.series.priceToCoordinate(g.options().price) }))])),
    };
  }

  lineKeys(): string[] {
    return [...this.lines.keys()];
  }

  /** A line's newest point (time and value) as it was last given, or null (tests read whether it moves live). */
  lineTail(key: string): { ts: number; value: number } | null {
    const l = this.lines.get(key);
    const n = l ? l.ts.length : 0;
    return l && n ? { ts: l.ts[n - 1]!, value: l.values[n - 1]! } : null;
  }

  /** Each line's pane and value range over the window, next to the candles' (pane 0) low/high. */
  placements(): { candles: { min: number; max: number }; lines: LinePlacement[] } {
    const range = (vals: readonly { value?: number; low?: number; high?: number }[]) => {
      let min = Infinity;
      let max = -Infinity;
      for (const v of vals) {
        const lo = v.low ?? v.value;
        const hi = v.high ?? v.value;
        if (lo !== undefined && lo === lo) min = Math.min(min, lo);
        if (hi !== undefined && hi === hi) max = Math.max(max, hi);
      }
      return { min, max };
    };
    return {
      candles: range(this.candles.data() as readonly { low?: number; high?: number }[]),
      lines: [...this.lines].map(([key, l]) => ({ key, pane: l.series.getPane().paneIndex(), style: l.style, ...range(l.series.data() as readonly { value?: number }[]) })),
    };
  }

  setMarkers(ms: readonly TradeMarker[]): void {
    this.marks = [...ms].sort((a, b) => a.ts - b.ts);
    this.drawMarkers();
  }

  /** The markers as handed to the library (time in ms). */
  drawnMarkers(): DrawnMarker[] {
    return this.markers.markers().map((m) => ({ ts: (m.time as number) * 1000, position: m.position, price: 'price' in m && typeof m.price === 'number' ? m.price : null, id: m.id ?? null }));
  }

  /**
   * Each marker on the bar containing its moment (a fill at 10:37 sits on the 10:00 bar of an hourly chart, not
   * on a time the series does not have) and, with a price, with its arrow's tip at that price: a buy's arrow
   * points up at it from below, a sell's down from above.
   */
  private drawMarkers(): void {
    const bars = this.candles.data();
    if (!bars.length) return this.markers.setMarkers([]);
    const first = (bars[0]!.time as number) * 1000;
    const out: SeriesMarker<Time>[] = [];
    for (const m of this.marks) {
      if (m.ts < first) continue;
      let lo = 0;
      let hi = bars.length - 1;
      const t = m.ts / 1000;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((bars[mid]!.time as number) <= t) lo = mid;
        else hi = mid - 1;
      }
      const base = { time: bars[lo]!.time, shape: m.side === 'buy' ? ('arrowUp' as const) : ('arrowDown' as const), color: m.side === 'buy' ? this.theme.up : this.theme.down, text: m.text ?? '', ...(m.id ? { id: m.id } : {}) };
      out.push(m.price !== undefined && Number.isFinite(m.price) ? { ...base, position: m.side === 'buy' ? 'atPriceTop' : 'atPriceBottom', price: m.price } : { ...base, position: m.side === 'buy' ? 'belowBar' : 'aboveBar' });
    }
    this.markers.setMarkers(out);
  }

  /** Open-order and position lines; replaced as a set so stale lines never linger. */
  setPriceLines(specs: readonly PriceLineSpec[]): void {
    this.priceLineSpecs = specs;
    for (const l of this.priceLines) this.candles.removePriceLine(l);
    this.priceLines = specs.map((s) =>
      this.candles.createPriceLine({ price: s.price, color: lineColors[s.kind](this.theme), lineWidth: 1, lineStyle: s.kind === 'position' ? LineStyle.Solid : LineStyle.Dashed, axisLabelVisible: true, title: s.title }),
    );
  }

  /** Scrolls so a bar is in view (trade list → chart), rebuilding the window around it if it lies outside. */
  showTime(ts: number, span = 120): void {
    const c = this.cols;
    if (c && c.ts.length) {
      const at = Math.min(c.ts.length - 1, lowerBound(c.ts, ts));
      if (at - span < this.start || at + span >= this.end) {
        const w = windowAround(c.ts.length, at);
        this.start = w.start;
        this.end = w.end;
        this.extending = true;
        this.feed();
        this.extending = false;
      }
    }
    const idx = this.chart.timeScale().timeToIndex(sec(ts), true);
    if (idx === null) return;
    this.chart.timeScale().setVisibleLogicalRange({ from: idx - span / 2, to: idx + span / 2 });
  }

  /** Shows the newest `bars` bars (the live edge), moving the window there first if it was scrolled back. */
  showLast(bars = 200): void {
    if (this.cols && !this.atEnd()) {
      this.start = Math.max(0, this.cols.ts.length - FIRST_WINDOW);
      this.end = this.cols.ts.length;
      this.extending = true;
      this.feed();
      this.extending = false;
    }
    const n = this.candles.data().length;
    if (n > 0) this.chart.timeScale().setVisibleLogicalRange({ from: n - bars, to: n + 5 });
  }

  fit(): void {
    this.chart.timeScale().fitContent();
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.chart.applyOptions({
      layout: { background: { type: ColorType.Solid, color: theme.background }, textColor: theme.text, panes: { separatorColor: theme.grid } },
      grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
      rightPriceScale: { borderColor: theme.grid },
      timeScale: { borderColor: theme.grid },
    });
    this.candles.applyOptions({ upColor: theme.up, downColor: theme.down, wickUpColor: theme.up, wickDownColor: theme.down });
  }

  /** Y of a price on the candles' scale (null when off the pane). */
  priceToY(price: number): number | null {
    return this.candles.priceToCoordinate(price);
  }

  /** Price at a y inside the chart (null outside the candles' pane). */
  yToPrice(y: number): number | null {
    return this.candles.coordinateToPrice(y);
  }

  /** Scrolling and scaling by mouse off while a line is dragged (the drag must not pan the chart). */
  setInteractive(on: boolean): void {
    this.chart.applyOptions({ handleScroll: on, handleScale: on });
  }

  /** Resolves once the chart has painted the current data (for the benchmark and tests). */
  painted(): Promise<void> {
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
  }

  /** Every bar the view holds (columns + live), whether or not the library has been handed it yet. */
  total(): number {
    return (this.cols?.ts.length ?? 0) + this.live.length;
  }

  /** Bars currently handed to the library. */
  windowSize(): number {
    return this.candles.data().length;
  }

  destroy(): void {
    this.timeMark?.el.remove();
    this.chart.remove();
  }

  private atEnd(): boolean {
    return !this.cols || this.end >= this.cols.ts.length;
  }

  /** Moves the window half its size back (-1) or forward (+1), keeping what the user looks at in place. */
  private slide(dir: -1 | 1): void {
    const c = this.cols;
    if (!c) return;
    const n = c.ts.length;
    const size = Math.min(n, FIRST_WINDOW);
    const step = Math.floor(size / 2);
    const start = dir < 0 ? Math.max(0, this.start - step) : Math.min(n - size, this.start + step);
    if (start === this.start) return;
    this.extending = true;
    const range = this.chart.timeScale().getVisibleLogicalRange();
    const shift = this.start - start;
    this.start = start;
    this.end = start + size;
    this.feed();
    if (range) this.chart.timeScale().setVisibleLogicalRange({ from: range.from + shift, to: range.to + shift });
    this.extending = false;
  }

  private feed(): void {
    const c = this.cols;
    if (!c) return;
    const bars = toCandleData(c, this.start, this.end);
    const live = this.atEnd() ? this.live : [];
    for (const b of live) bars.push({ time: sec(b.ts), open: b.open, high: b.high, low: b.low, close: b.close });
    this.candles.setData(bars);
    if (c.volume) {
      const up = this.alpha(this.theme.up);
      const down = this.alpha(this.theme.down);
      const vols = toVolumeData(c, up, down, this.start, this.end);
      for (const b of live) if (b.volume !== undefined) vols.push({ time: sec(b.ts), value: b.volume, color: b.close >= b.open ? up : down });
      this.volume.setData(vols);
    } else this.volume.setData([]);
    for (const l of this.lines.values()) l.series.setData(this.lineWindow(l.ts, l.values));
    if (this.marks.length) this.drawMarkers();
    // Bars replaced (or emptied): a time marker placed over the old ones would stand where no bar is.
    this.placeTimeMarker();
  }

  /** An indicator's points over the window's time span (indicators align with the candles bar for bar). */
  private lineWindow(ts: Float64Array, values: Float64Array): (LineData<Time> | WhitespaceData<Time>)[] {
    const c = this.cols;
    if (!c || !c.ts.length) return toLineData(ts, values);
    const from = this.start > 0 ? lowerBound(ts, c.ts[this.start]!) : 0;
    const to = this.atEnd() ? ts.length : lowerBound(ts, c.ts[this.end]!);
    return toLineData(ts, values, from, to);
  }

  private alpha(color: string): string {
    return color.startsWith('#') && color.length === 7 ? `${color}66` : color;
  }
}

/** A small single-series chart for curves (equity, drawdown) in the studio's results. */
export class CurveView {
  private readonly chart: IChartApi;
  private readonly series: ISeriesApi<'Area'>;

  /** `time`: a dated axis and crosshair in the display zone (an account's equity history), where a repeated second keeps its last value. */
  private readonly lastWins: boolean;

  constructor(container: HTMLElement, theme: ChartTheme, color: string, opts: { percent?: boolean; invert?: boolean; time?: boolean } = {}) {
    this.lastWins = !!opts.time;
    this.chart = createChart(container, {
      ...(opts.time ? zoned : {}),
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: theme.background }, textColor: theme.text, fontSize: 10, attributionLogo: false },
      grid: { vertLines: { visible: false }, horzLines: { color: theme.grid } },
      rightPriceScale: { borderColor: theme.grid, invertScale: !!opts.invert },
      // Thousands of points in a narrow box: let bars be thinner than a pixel so fitContent shows the whole run.
      timeScale: { borderColor: theme.grid, timeVisible: !!opts.time, secondsVisible: false, minBarSpacing: 0.0001, ...(opts.time ? { tickMarkFormatter: tickLabel } : {}) },
      handleScroll: false,
      handleScale: false,
    });
    this.series = this.chart.addSeries(AreaSeries, {
      lineColor: color,
      topColor: `${color}55`,
      bottomColor: `${color}05`,
      lineWidth: 2,
      priceLineVisible: false,
      ...(opts.percent ? { priceFormat: { type: 'percent' as const } } : {}),
    });
  }

  set(ts: Float64Array, values: Float64Array, scale = 1): void {
    const out: LineData<Time>[] = [];
    let prev = -Infinity;
    for (let i = 0; i < ts.length; i++) {
      const t = sec(ts[i]!);
      const v = values[i]!;
      if (v !== v || t < prev) continue;
      if (t === prev) {
        if (this.lastWins) out[out.length - 1] = { time: t, value: v * scale };
        continue;
      }
      prev = t;
      out.push({ time: t, value: v * scale });
    }
    this.series.setData(out);
    this.chart.timeScale().fitContent();
  }

  /** Points drawn (tests). */
  points(): number {
    return this.series.data().length;
  }

  destroy(): void {
    this.chart.remove();
  }
}
