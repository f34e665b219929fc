/** Shared builders for engine tests: one instrument, bars from OHLCV rows, an engine on a paper venue. */
import { defineInstrument, type CandleColumns, type Instrument, type InstrumentSpec } from '../../../main/core/model/index.ts';
import { Engine, SimClock, type EngineEvents } from '../../../main/core/engine/index.ts';
import { PaperVenue, type PaperVenueConfig } from '../../../main/venues/paper/paper-venue.ts';
import { MemoryAuditSink, type RiskGate } from '../../../main/core/ports.ts';

export const SPEC: InstrumentSpec = {
  symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot',
  tickSize: '0.01', lotSize: '0.001', makerFee: '0.0002', takerFee: '0.0005',
};

export const MIN = 60_000;

export type Row = readonly [open: number, high: number, low: number, close: number, volume?: number];

export function columns(rows: readonly Row[], t0 = 0): CandleColumns {
  const n = rows.length;
  const c = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n), length: n, intervalMs: MIN };
  rows.forEach(([o, h, l, cl, v], i) => {
    c.ts[i] = t0 + i * MIN; c.open[i] = o; c.high[i] = h; c.low[i] = l; c.close[i] = cl; c.volume[i] = v ?? 1000;
  });
  return c;
}

export interface Harness {
  engine: Engine;
  venue: PaperVenue;
  clock: SimClock;
  audit: MemoryAuditSink;
  inst: Instrument;
  events: EngineEvents['order'][];
  /** Feeds one closed bar (matching happens on it, then marks). */
  bar(row: Row): void;
}

export function harness(opts: { venue?: Partial<PaperVenueConfig>; spec?: Partial<InstrumentSpec>; risk?: RiskGate; cash?: string; leverage?: number; history?: boolean } = {}): Harness {
  const inst = defineInstrument({ ...SPEC, ...opts.spec });
  const clock = new SimClock();
  const venue = new PaperVenue({ instruments: [inst], clock, ...opts.venue });
  const audit = new MemoryAuditSink();
  const engine = new Engine({
    instruments: [inst], venue, clock, audit, risk: opts.risk, sessionId: 'T', history: opts.history,
    portfolio: { baseCurrency: 'USDT', cash: { USDT: opts.cash ?? '100000' }, leverage: opts.leverage ? { [inst.symbol]: opts.leverage } : undefined },
  });
  const events: EngineEvents['order'][] = [];
  engine.bus.on('order', (e) => events.push({ event: e.event, order: { ...e.order } }));
  let i = 0;
  return {
    engine, venue, clock, audit, inst, events,
    bar(row) {
      const [o, h, l, c, v] = row;
      engine.onCandle(inst.symbol, { ts: i++ * MIN, open: o, high: h, low: l, close: c, volume: v ?? 1000 }, MIN);
    },
  };
}

/** Price text → ticks for the test instrument (0.01). */
export const px = (p: number): number => Math.round(p * 100);
