/**
 * The result document written as a stream of chunks, so a long run's JSON is never one giant string, and with
 * long curves cut down for display. Writing a number as shortest round-trip text costs ~0.3–1 µs, so a
 * 1M-bar run's three curves alone would take seconds: beyond `curvePoints` bars the document carries the
 * display points (displayIndices: extremes kept, exact values) under schema `kestrel.backtest/3`, and the
 * full curves go to a binary sidecar (equityF64) on request. Up to `curvePoints` bars, or with
 * `curvePoints: Infinity`, the bytes are exactly JSON.stringify(resultToJson(r)) under schema 2.
 */
import type { BacktestResult } from '../../core/backtest/result.ts';
import { displayIndices, pick, type Curves } from '../../core/backtest/downsample.ts';

/** Schema 2 with `equity` holding display points of the curve and `equity.bars`, the full curve's length. */
export const DISPLAY_SCHEMA = 'kestrel.backtest/3';
export const DEFAULT_CURVE_POINTS = 10_000;

const SLICE = 16_384;
const TRADE_BATCH = 2_000;

function numbers(a: Float64Array, write: (s: string) => void): void {
  write('[');
  for (let at = 0; at < a.length; at += SLICE) {
    const part = a.subarray(at, at + SLICE);
    // join() spells finite numbers exactly as JSON does; JSON has no NaN/Infinity (JSON.stringify writes null).
    const text = part.every(Number.isFinite) ? part.join(',') : Array.from(part, (x) => (Number.isFinite(x) ? String(x) : 'null')).join(',');
    write(at === 0 ? text : `,${text}`);
  }
  write(']');
}

function curves(c: Curves, bars: number | undefined, write: (s: string) => void): void {
  write('{"ts":');
  numbers(c.ts, write);
  write(',"value":');
  numbers(c.value, write);
  write(',"drawdown":');
  numbers(c.drawdown, write);
  write(bars === undefined ? '}' : `,"bars":${bars}}`);
}

export function writeResultJson(r: BacktestResult, write: (chunk: string) => void, opts: { curvePoints?: number } = {}): { bars: number; points: number } {
  const bars = r.equity.ts.length;
  const max = opts.curvePoints ?? DEFAULT_CURVE_POINTS;
  const display = bars > max ? pick(r.equity, displayIndices(r.equity.value, r.equity.drawdown, max)) : undefined;
  write('{');
  let first = true;
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined || typeof v === 'function') continue;
    write(`${first ? '' : ','}${JSON.stringify(k)}:`);
    first = false;
    if (k === 'schema' && display) write(JSON.stringify(DISPLAY_SCHEMA));
    else if (k === 'equity') curves(display ?? r.equity, display ? bars : undefined, write);
    else if (k === 'trades') {
      const list = v as readonly unknown[];
      write('[');
      for (let at = 0; at < list.length; at += TRADE_BATCH) write(`${at ? ',' : ''}${JSON.stringify(list.slice(at, at + TRADE_BATCH)).slice(1, -1)}`);
      write(']');
    } else write(JSON.stringify(v));
  }
  write('}');
  return { bars, points: display ? display.ts.length : bars };
}

/** The whole document as one string (tests, small runs). */
export function resultJsonText(r: BacktestResult, opts: { curvePoints?: number } = {}): string {
  const parts: string[] = [];
  writeResultJson(r, (s) => parts.push(s), opts);
  return parts.join('');
}

/**
 * The full curves as a binary sidecar: little-endian float64, all bar times, then all equity values, then
 * all drawdowns (3 × bars × 8 bytes; bars = file size / 24). Read back with three Float64Array views.
 */
export function equityF64(r: BacktestResult): Uint8Array {
  const n = r.equity.ts.length;
  const out = new Float64Array(3 * n);
  out.set(r.equity.ts, 0);
  out.set(r.equity.value, n);
  out.set(r.equity.drawdown, 2 * n);
  return new Uint8Array(out.buffer);
}
