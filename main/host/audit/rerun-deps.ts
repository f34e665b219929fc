/**
 * What a re-run needs that core cannot build, from the running host: the strategy of a recorded version
 * hash (the strategy catalog, through the backtest service that compiles rules and sandboxes code), a
 * paper venue with the recorded settings, the stored bars of a backtest's data reference (market store),
 * and, for paper sessions, the demo feed re-created from its recorded seed, start and shape.
 *
 * Everything is resolved lazily per call: composing the audit service must not start the backtest service
 * or the market store.
 */
import type { RecordedStream, RerunDeps } from '../../core/audit/rerun.ts';
import type { SessionStartConfig } from '../../core/audit/session.ts';
import type { TradingState } from '../../contract/trading.ts';
import type { Strategy } from '../../core/engine/strategy.ts';
import { PaperVenue } from '../../venues/paper/paper-venue.ts';
import type { HostContext } from '../context.ts';
import { backtestFor } from '../backtest/for-host.ts';
import { marketFor } from '../data/for-host.ts';
import { DemoFeed, type FeedSymbol } from '../trading/demo-feed.ts';
import { AdjustableRiskGate } from '../trading/risk.ts';

type Data = SessionStartConfig['data'];
type Risk = { limits?: ConstructorParameters<typeof AdjustableRiskGate>[0]; tradingState?: TradingState; reason?: string };

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The saved version of strategy `id` whose content hash is `hash`, compiled with `params`. */
export function strategyByHash(ctx: HostContext, id: string, hash: string, params: Readonly<Record<string, unknown>> | undefined): Strategy | undefined {
  const svc = backtestFor(ctx);
  let versions: { version: number; hash: string }[];
  try {
    versions = svc.versions(id);
  } catch {
    return undefined; // strategy deleted or never saved here
  }
  const v = versions.find((x) => x.hash === hash);
  if (!v) return undefined;
  const p: Record<string, number> = {};
  for (const [k, x] of Object.entries(params ?? {})) if (typeof x === 'number') p[k] = x;
  return svc.strategyFor(id, v.version, p);
}

/** The demo feed a paper session consumed, re-created from its recorded data reference. */
export function demoStream(data: Data, until: number): RecordedStream | undefined {
  if (!data || data.feed !== 'demo' || !Array.isArray(data.symbols)) return undefined;
  const startTs = num(data.startTs);
  const seed = num(data.seed);
  if (startTs === undefined || seed === undefined) return undefined;
  const symbols = data.symbols as FeedSymbol[];
  const feed = new DemoFeed({
    symbols, seed, startTs, now: () => until,
    ...(num(data.tickMs) !== undefined ? { tickMs: num(data.tickMs)! } : {}),
    ...(num(data.cycleMs) !== undefined ? { cycleMs: num(data.cycleMs)! } : {}),
    ...(num(data.swingBps) !== undefined ? { swingBps: num(data.swingBps)! } : {}),
    ...(num(data.sweepMs) !== undefined ? { sweepMs: num(data.sweepMs)! } : {}),
  });
  return {
    startTs,
    intervalMs: num(data.intervalMs) ?? 60_000,
    symbols: symbols.map((s) => s.symbol),
    play(handler) {
      const off = feed.subscribe(symbols.map((s) => s.symbol), handler);
      try {
        feed.pump(until);
      } finally {
        off();
      }
    },
  };
}

export function hostRerunDeps(ctx: HostContext): RerunDeps {
  return {
    strategy: (id, version, params) => strategyByHash(ctx, id, version, params),
    venue: (cfg, instruments, clock) => new PaperVenue({ id: cfg.id, instruments, clock, seed: num(cfg.seed) ?? 1, latencyMs: num(cfg.latencyMs) ?? 0 }),
    bars: (data) => {
      const d = (data ?? {}) as Record<string, unknown>;
      const symbol = String(d.symbol ?? '');
      const from = num(d.from);
      const to = num(d.to);
      const cols = marketFor(ctx).candles({ source: String(d.source ?? d.venue ?? 'demo'), symbol, timeframe: String(d.timeframe ?? '1m'), ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to: to + 1 } : {}) }).columns;
      const intervalMs = cols.ts.length > 1 ? cols.ts[1]! - cols.ts[0]! : 60_000;
      return { symbol, bars: { ...cols, length: cols.ts.length, intervalMs } };
    },
    stream: demoStream,
    risk: (cfg) => new AdjustableRiskGate(((cfg.venue.risk ?? {}) as Risk).limits),
    prepare: (engine, cfg) => {
      const r = (cfg.venue.risk ?? {}) as Risk;
      if (r.tradingState && r.tradingState !== 'active') engine.setTradingState(r.tradingState, r.reason ?? 'recorded');
    },
  };
}
