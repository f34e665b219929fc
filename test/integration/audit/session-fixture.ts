/**
 * A recorded session for the replay / re-run tests: an SMA-crossover strategy run by the real kernel
 * against the paper matching venue, every event going through SessionAuditSink into the SQLite audit log
 * (synchronous=FULL), exactly as the host records a session.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditDecisionBars, auditSessionStart, auditSessionStop, SessionAuditSink, strategyVersionHash, type SessionStartConfig } from '../../../main/core/audit/session.ts';
import type { RecordedEvent } from '../../../main/core/audit/replay.ts';
import type { RerunDeps } from '../../../main/core/audit/rerun.ts';
import { Engine, SimClock, type Strategy, type StrategyContext } from '../../../main/core/engine/index.ts';
import { candleColumns, defineInstrument, type CandleColumns, type InstrumentSpec } from '../../../main/core/model/index.ts';
import { PaperVenue } from '../../../main/venues/paper/paper-venue.ts';
import { openLedger, type LedgerStores } from '../../../main/storage/index.ts';

export const SPEC: InstrumentSpec = { symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.001', takerFee: '0.001', makerFee: '0.0005' };

export function makeBars(n = 600, seed = 3): CandleColumns {
  let s = seed;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  let px = 30000;
  const candles = [];
  for (let i = 0; i < n; i++) {
    const o = px;
    px = Math.max(1000, Math.round((px + (r() - 0.5) * 300 + Math.sin(i / 25) * 60) * 100) / 100);
    const hi = Math.max(o, px) + Math.round(r() * 5000) / 100;
    const lo = Math.min(o, px) - Math.round(r() * 5000) / 100;
    candles.push({ ts: 1_700_000_000_000 + i * 60_000, open: o, high: hi, low: lo, close: px, volume: 10 + Math.round(r() * 1000) / 10 });
  }
  return candleColumns(candles, 60_000);
}

export const SOURCE = 'sma-cross fast=5 slow=20 qty=10';

/** SMA crossover; `tamper(tradeNo)` lets a test change the size of one trade (the injected change). */
export function smaStrategy(version: string, tamper?: (trade: number) => number | undefined): Strategy {
  let trades = 0;
  const sma = (ctx: StrategyContext, n: number) => {
    let s = 0;
    for (let k = 0; k < n; k++) s += ctx.close(k);
    return s / n;
  };
  return {
    id: 'sma-cross',
    version,
    onBar(ctx) {
      if (ctx.count < 21) return;
      const f = sma(ctx, 5);
      const sl = sma(ctx, 20);
      const want = f > sl ? 10 : 0;
      if (want === ctx.position || ctx.openOrders().length > 0) return;
      trades++;
      const size = tamper?.(trades) ?? want;
      ctx.signal(f > sl ? 'long' : 'flat', { fast: f, slow: sl });
      ctx.target(size, `trade-${trades}`);
    },
  };
}

export interface Recorded {
  readonly stores: LedgerStores;
  readonly events: RecordedEvent[];
  readonly equity: Float64Array;
  readonly fills: number;
  readonly config: SessionStartConfig;
  readonly bars: CandleColumns;
}

export function recordSession(sessionId = 'bt-1'): Recorded {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-audit-'));
  const stores = openLedger(join(dir, 'ledger.db'));
  const bars = makeBars();
  const version = strategyVersionHash(SOURCE);
  const config: SessionStartConfig = {
    instruments: [SPEC],
    portfolio: { baseCurrency: 'USDT', cash: { USDT: '1000000' } },
    venue: { id: 'paper', seed: 11, latencyMs: 0 },
    strategy: { id: 'sma-cross', version, params: { fast: 5, slow: 20 } },
    data: { venue: 'paper', symbol: SPEC.symbol, timeframe: '1m', from: bars.ts[0]!, to: bars.ts[bars.length - 1]! },
  };
  const sink = new SessionAuditSink(stores.audit, { sessionId, kind: 'backtest', strategyId: 'sma-cross', strategyVersion: version });
  const clock = new SimClock();
  const instruments = [defineInstrument(SPEC)];
  auditSessionStart(sink, bars.ts[0]!, config);
  const engine = new Engine({ instruments, venue: venueFor(config.venue, instruments, clock), portfolio: config.portfolio, clock, audit: sink, sessionId });
  const res = engine.run(SPEC.symbol, bars, auditDecisionBars(smaStrategy(version), sink));
  auditSessionStop(sink, clock.now(), { reason: 'completed', summary: { fills: res.fills.length, equity: res.equity[res.equity.length - 1]! } });
  const events = [...stores.audit.iterate()].map((l) => ({ ...(JSON.parse(l.body) as { data: RecordedEvent }).data, chainSeq: l.seq }));
  return { stores, events, equity: res.equity, fills: res.fills.length, config, bars };
}

function venueFor(cfg: SessionStartConfig['venue'], instruments: Parameters<RerunDeps['venue']>[1], clock: Parameters<RerunDeps['venue']>[2]): PaperVenue {
  return new PaperVenue({ id: cfg.id, instruments, clock, seed: Number(cfg.seed ?? 1), latencyMs: Number(cfg.latencyMs ?? 0) });
}

export function rerunDeps(bars: CandleColumns, tamper?: (trade: number) => number | undefined): RerunDeps {
  return {
    strategy: (id, version) => (id === 'sma-cross' && version === strategyVersionHash(SOURCE) ? smaStrategy(version, tamper) : undefined),
    venue: venueFor,
    bars: () => ({ symbol: SPEC.symbol, bars }),
  };
}
