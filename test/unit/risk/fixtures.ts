/** A multi-symbol engine on a paper venue for risk tests: bars per symbol, a memory audit. */
import { Engine, SimClock } from '../../../main/core/engine/index.ts';
import { defineInstrument, type Instrument } from '../../../main/core/model/index.ts';
import { MemoryAuditSink, type RiskAlert } from '../../../main/core/ports.ts';
import { LimitsRiskGate, type RiskLimits } from '../../../main/core/risk/gate.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';
import { MIN, SPEC } from '../core/engine-fixtures.ts';

export const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] as const;

export interface Book {
  engine: Engine;
  gate: LimitsRiskGate;
  audit: MemoryAuditSink;
  insts: Instrument[];
  alerts: RiskAlert[];
  /** One closed bar per symbol at the given closes (open = previous close), one minute apart. */
  bar(closes: Readonly<Record<string, number>>): void;
  t(): number;
}

export function book(limits: RiskLimits, cash = '10000', t0 = 0): Book {
  const insts = SYMBOLS.map((s) => defineInstrument({ ...SPEC, symbol: s, base: s.split('/')[0]!, makerFee: '0', takerFee: '0' }));
  const clock = new SimClock();
  clock.t = t0;
  const venue = new PaperVenue({ instruments: insts, clock });
  const audit = new MemoryAuditSink();
  const gate = new LimitsRiskGate(limits);
  const engine = new Engine({ instruments: insts, venue, clock, audit, risk: gate, sessionId: 'R', portfolio: { baseCurrency: 'USDT', cash: { USDT: cash } } });
  const alerts: RiskAlert[] = [];
  engine.bus.on('risk-alert', (a) => alerts.push(a));
  let t = t0;
  const last = new Map<string, number>();
  return {
    engine, gate, audit, insts, alerts,
    bar(closes) {
      for (const [s, c] of Object.entries(closes)) {
        const o = last.get(s) ?? c;
        engine.onCandle(s, { ts: t, open: o, high: Math.max(o, c), low: Math.min(o, c), close: c, volume: 1e9 }, MIN);
        last.set(s, c);
      }
      t += MIN;
    },
    t: () => t,
  };
}
