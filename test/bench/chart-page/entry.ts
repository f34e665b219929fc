/// <reference lib="dom" />
/**
 * The benchmark page: loads candles from the bench server either as binary columns (what Kestrel's host sends)
 * through the app's own chart wrapper, or as JSON objects (the usual way) straight into lightweight-charts.
 */
import { CandlestickSeries, createChart, HistogramSeries, type IChartApi, type Time } from 'lightweight-charts';
import { ChartView, FIRST_WINDOW } from '../../../renderer/features/chart/lightweight.ts';

const theme = { background: '#0d1117', text: '#8693a7', grid: '#1b2432', up: '#26a69a', down: '#ef5350' };
const host = document.getElementById('c')!;
let view: ChartView | null = null;
let peer: IChartApi | null = null;

function reset(): void {
  view?.destroy();
  peer?.remove();
  view = null;
  peer = null;
  host.innerHTML = '';
}

const frames = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

/** Ours: one binary body, six Float64Array views over it, no parsing. */
async function loadBinary(): Promise<{ ms: number; bars: number; lastClose: number; sumClose: number }> {
  reset();
  const t0 = performance.now();
  const buf = await (await fetch('/candles.bin')).arrayBuffer();
  const n = buf.byteLength / 8 / 6;
  const col = (k: number) => new Float64Array(buf, k * n * 8, n);
  const c = { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
  view = new ChartView(host, theme);
  view.setCandles(c, 0.01);
  view.showLast(300);
  await frames();
  const ms = performance.now() - t0;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += c.close[i]!;
  return { ms, bars: view.total(), lastClose: c.close[n - 1]!, sumClose: sum };
}

interface JsonBar { time: number; open: number; high: number; low: number; close: number; volume: number }

/**
 * Peer: the same candles as an array of JSON objects, parsed, then the same window handed to the library
 * (`whole` hands it all 1M instead, for the record of why the window exists).
 */
async function loadJson(whole = false): Promise<{ ms: number; bars: number; lastClose: number; sumClose: number }> {
  reset();
  const t0 = performance.now();
  const bars = (await (await fetch('/candles.json')).json()) as JsonBar[];
  peer = createChart(host, { autoSize: true, layout: { attributionLogo: false } });
  const candles = peer.addSeries(CandlestickSeries, {});
  const volume = peer.addSeries(HistogramSeries, { priceScaleId: 'volume' });
  const shown = whole ? bars : bars.slice(-FIRST_WINDOW);
  candles.setData(shown.map((b) => ({ time: b.time as Time, open: b.open, high: b.high, low: b.low, close: b.close })));
  volume.setData(shown.map((b) => ({ time: b.time as Time, value: b.volume })));
  peer.timeScale().setVisibleLogicalRange({ from: shown.length - 300, to: shown.length + 5 });
  await frames();
  const ms = performance.now() - t0;
  let sum = 0;
  for (const b of bars) sum += b.close;
  return { ms, bars: bars.length, lastClose: bars[bars.length - 1]!.close, sumClose: sum };
}

/** Columns of one timeframe as the host sends them (six Float64Array views over one body). */
async function columns(tf: string) {
  const buf = await (await fetch(`/candles-${tf}.bin`)).arrayBuffer();
  const n = buf.byteLength / 8 / 6;
  const col = (k: number) => new Float64Array(buf, k * n * 8, n);
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

/**
 * The chart on the 1M one-minute bars, scrolled 10 % into them, then switched through `order` as ChartPanel does
 * (ChartView.switchCandles: keep the viewed moment, hand the view the new timeframe's columns): the time of each
 * switch to its second frame.
 */
async function switchFarBack(order: string[], rounds: number): Promise<{ tf: string; ms: number; bars: number; before: number | null; at: number | null }[]> {
  reset();
  const first = await columns('1m');
  view = new ChartView(host, theme);
  view.setCandles(first, 0.01);
  view.showTime(first.ts[Math.floor(first.ts.length * 0.1)]!, 240);
  await frames();
  const out: { tf: string; ms: number; bars: number; before: number | null; at: number | null }[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const tf of order) {
      const t0 = performance.now();
      const c = await columns(tf);
      const at = view.viewedTime();
      view.switchCandles(c, 0.01, tf === '1m' ? 240 : 160);
      await frames();
      out.push({ tf, ms: performance.now() - t0, bars: view.total(), before: at, at: view.viewedTime() });
    }
  }
  return out;
}

Object.assign(window, { loadBinary, loadJson, switchFarBack, ready: true });
