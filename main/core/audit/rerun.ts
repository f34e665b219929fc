/**
 * Deterministic re-run: feeds a recorded session's market data back through a fresh kernel with the same
 * strategy version, venue settings and portfolio (all read from its `session-start` event), records the
 * re-run through the same audit path, and reports every divergence from what was recorded — trade by
 * trade: signals, orders (side, type, qty, price, timing), fills (price, qty, fee, liquidity, timing) and
 * the equity at each decision bar.
 *
 * Generic over the kernel API: the caller supplies what core cannot construct (the simulated venue, the
 * strategy implementation for a version hash, the bars); the engine, audit stamping and comparison are here.
 */
import { ValidationError } from '../errors.ts';
import { defineInstrument, type CandleColumns, type Instrument } from '../model/index.ts';
import { Engine } from '../engine/kernel.ts';
import { ENGINE_VERSION, type EngineFingerprints } from '../engine/version.ts';
import { SimClock } from '../engine/clock.ts';
import type { Strategy } from '../engine/strategy.ts';
import { MemoryAuditSink, type Clock, type RiskGate, type SimulatedVenue } from '../ports.ts';
import { canonicalJson } from './canonical.ts';
import { fillFrom, type RecordedEvent } from './replay.ts';
import { release } from '../strategy/code.ts';
import { auditDecisionBars, auditSessionStart, auditSessionStop, SessionAuditSink, type SessionStartConfig } from './session.ts';

export interface RerunDeps {
  /** The strategy implementation of this exact version (undefined = not available). */
  strategy(id: string, version: string, params: Readonly<Record<string, unknown>> | undefined): Strategy | undefined;
  /** A fresh simulated venue built from the recorded venue settings. */
  venue(config: SessionStartConfig['venue'], instruments: readonly Instrument[], clock: Clock): SimulatedVenue;
  /** The bars a bar-driven session (a backtest) consumed. Tick-driven (paper) sessions are re-enacted by the host. */
  bars?(data: SessionStartConfig['data']): { readonly symbol: string; readonly bars: CandleColumns };
  /** The risk gate the session ran with (default: the kernel's). */
  risk?(config: SessionStartConfig): RiskGate;
  /** Brings a fresh kernel to the session's starting state beyond the portfolio (e.g. a halted trading state). */
  prepare?(engine: Engine, config: SessionStartConfig): void;
}

export type DivergenceKind = 'signal' | 'order' | 'fill-price' | 'fill-qty' | 'fee' | 'timing' | 'equity' | 'funding' | 'missing' | 'extra';

export interface Divergence {
  readonly kind: DivergenceKind;
  /** 1-based number of the trade (order, in creation order) it concerns; 0 when it is not about a trade. */
  readonly trade: number;
  readonly clientOrderId?: string;
  readonly field: string;
  readonly recorded: unknown;
  readonly rerun: unknown;
  /** Recorded time of the event that diverged (or the re-run's, for extras). */
  readonly ts: number;
}

export interface RerunReport {
  readonly identical: boolean;
  readonly trades: { readonly recorded: number; readonly rerun: number };
  readonly fills: { readonly recorded: number; readonly rerun: number };
  readonly divergences: readonly Divergence[];
  /** The re-run's own audit events (for inspection or export). */
  readonly events: readonly RecordedEvent[];
  /** The engine each side ran (session-start config.engine): a divergence with different engines may be the engine's. */
  readonly engine: EngineFingerprints;
}

export function sessionConfig(events: readonly RecordedEvent[]): SessionStartConfig {
  const start = events.find((e) => e.type === 'session-start');
  if (!start) throw new ValidationError('the recorded events have no session-start: the session cannot be re-run (what data, strategy and venue it used is unknown)');
  return (start.payload as { config: SessionStartConfig }).config;
}

/** Runs the session again and compares. */
export function rerunSession(recorded: readonly RecordedEvent[], deps: RerunDeps): RerunReport {
  const cfg = sessionConfig(recorded);
  if (!cfg.strategy) throw new ValidationError('the recorded session ran no strategy; there is nothing to re-run');
  const strategy = deps.strategy(cfg.strategy.id, cfg.strategy.version, cfg.strategy.params);
  if (!strategy) throw new ValidationError(`strategy ${cfg.strategy.id} version ${cfg.strategy.version.slice(0, 12)} is not available for a re-run`);
  const instruments = cfg.instruments.map((s) => defineInstrument(s));
  const first = recorded.find((e) => e.type === 'session-start')!;
  const stop = recorded.find((e) => e.type === 'session-stop');
  const sessionId = first.session ?? 'rerun';
  const clock = new SimClock();
  const mem = new MemoryAuditSink();
  const sink = new SessionAuditSink(mem, { sessionId, kind: 'backtest', strategyId: cfg.strategy.id, strategyVersion: cfg.strategy.version });
  auditSessionStart(sink, first.ts, { ...cfg, engine: ENGINE_VERSION });
  const engine = new Engine({ instruments, venue: deps.venue(cfg.venue, instruments, clock), portfolio: cfg.portfolio, clock, audit: sink, sessionId, ...(deps.risk ? { risk: deps.risk(cfg) } : {}) });
  for (const f of cfg.priorFills ?? []) {
    const fill = fillFrom(f as Record<string, unknown>);
    if (instruments.some((i) => i.symbol === fill.symbol)) engine.portfolio.applyFill(fill);
  }
  deps.prepare?.(engine, cfg);
  if (!deps.bars) throw new ValidationError('the recorded session\'s market data is not available for a re-run (no stored bars for its data reference)');
  const { symbol, bars } = deps.bars(cfg.data);
  try {
    engine.run(symbol, bars, auditDecisionBars(strategy, sink));
  } finally {
    release(strategy); // a code strategy's sandbox process
  }
  auditSessionStop(sink, stop?.ts ?? clock.now(), { reason: 'rerun' });
  // Compare in the stored form (canonical JSON round trip: bigints as decimal strings, undefined dropped).
  return compareSessions(recorded, mem.events.map((e) => JSON.parse(canonicalJson(e)) as RecordedEvent));
}

interface Trade {
  readonly id: string;
  readonly created: RecordedEvent;
  readonly fills: RecordedEvent[];
}

function trades(events: readonly RecordedEvent[]): Trade[] {
  const out: Trade[] = [];
  const byId = new Map<string, Trade>();
  for (const e of events) {
    const p = e.payload as Record<string, unknown>;
    if (e.type === 'order' && p.event === 'created') {
      const id = String((p.order as { clientOrderId: string }).clientOrderId);
      const t = { id, created: e, fills: [] };
      out.push(t);
      byId.set(id, t);
    } else if (e.type === 'fill') {
      const f = p.fill as { clientOrderId: string };
      byId.get(String(f.clientOrderId))?.fills.push(e);
    }
  }
  return out;
}

const ORDER_FIELDS = ['symbol', 'side', 'type', 'qty', 'price', 'triggerPrice', 'tif', 'reduceOnly', 'tag'] as const;

/** Compares two sessions' audit events trade by trade (k-th order of one against the k-th of the other). */
export function compareSessions(recorded: readonly RecordedEvent[], rerun: readonly RecordedEvent[]): RerunReport {
  const out: Divergence[] = [];
  // Signals, in order.
  const sa = recorded.filter((e) => e.type === 'signal');
  const sb = rerun.filter((e) => e.type === 'signal');
  for (let k = 0; k < Math.max(sa.length, sb.length); k++) {
    const a = sa[k];
    const b = sb[k];
    if (!a || !b) {
      out.push({ kind: a ? 'missing' : 'extra', trade: 0, field: `signal #${k + 1}`, recorded: a?.payload ?? null, rerun: b?.payload ?? null, ts: (a ?? b)!.ts });
      continue;
    }
    if (same(a.payload, b.payload)) {
      if (a.ts !== b.ts) out.push({ kind: 'timing', trade: 0, field: `signal #${k + 1} ts`, recorded: a.ts, rerun: b.ts, ts: a.ts });
    } else out.push({ kind: 'signal', trade: 0, field: `signal #${k + 1}`, recorded: a.payload, rerun: b.payload, ts: a.ts });
  }
  // Trades: the order as created, then each of its fills.
  const ta = trades(recorded);
  const tb = trades(rerun);
  for (let k = 0; k < Math.max(ta.length, tb.length); k++) {
    const a = ta[k];
    const b = tb[k];
    const trade = k + 1;
    if (!a || !b) {
      const t = (a ?? b)!;
      out.push({ kind: a ? 'missing' : 'extra', trade, clientOrderId: t.id, field: 'order', recorded: a ? orderOf(a) : null, rerun: b ? orderOf(b) : null, ts: t.created.ts });
      continue;
    }
    const oa = orderOf(a);
    const ob = orderOf(b);
    for (const f of ORDER_FIELDS) if (!same(oa[f], ob[f])) out.push({ kind: 'order', trade, clientOrderId: a.id, field: f, recorded: oa[f] ?? null, rerun: ob[f] ?? null, ts: a.created.ts });
    if (a.created.ts !== b.created.ts) out.push({ kind: 'timing', trade, clientOrderId: a.id, field: 'created', recorded: a.created.ts, rerun: b.created.ts, ts: a.created.ts });
    for (let j = 0; j < Math.max(a.fills.length, b.fills.length); j++) {
      const fa = a.fills[j] && fillFrom((a.fills[j]!.payload as { fill: Record<string, unknown> }).fill);
      const fb = b.fills[j] && fillFrom((b.fills[j]!.payload as { fill: Record<string, unknown> }).fill);
      if (!fa || !fb) {
        out.push({ kind: fa ? 'missing' : 'extra', trade, clientOrderId: a.id, field: `fill #${j + 1}`, recorded: fa ? plainFill(fa) : null, rerun: fb ? plainFill(fb) : null, ts: (fa ?? fb)!.ts });
        continue;
      }
      if (fa.price !== fb.price) out.push({ kind: 'fill-price', trade, clientOrderId: a.id, field: `fill #${j + 1} price`, recorded: fa.price, rerun: fb.price, ts: fa.ts });
      if (fa.qty !== fb.qty) out.push({ kind: 'fill-qty', trade, clientOrderId: a.id, field: `fill #${j + 1} qty`, recorded: fa.qty, rerun: fb.qty, ts: fa.ts });
      if (fa.fee !== fb.fee || fa.feeCurrency !== fb.feeCurrency) out.push({ kind: 'fee', trade, clientOrderId: a.id, field: `fill #${j + 1} fee`, recorded: `${fa.fee} ${fa.feeCurrency}`, rerun: `${fb.fee} ${fb.feeCurrency}`, ts: fa.ts });
      if (fa.ts !== fb.ts) out.push({ kind: 'timing', trade, clientOrderId: a.id, field: `fill #${j + 1} ts`, recorded: fa.ts, rerun: fb.ts, ts: fa.ts });
    }
  }
  // Perpetuals: each funding payment (time, rate, mark, the position paid on), and the venue's own fills that
  // no order placed (liquidations), in order.
  const pick = (es: readonly RecordedEvent[], want: (e: RecordedEvent) => boolean) => es.filter(want);
  const isFunding = (e: RecordedEvent) => e.type === 'funding';
  const ownFill = (ids: ReadonlySet<string>) => (e: RecordedEvent) => e.type === 'fill' && !ids.has(String((e.payload as { fill: { clientOrderId: string } }).fill.clientOrderId));
  const pairs: [string, RecordedEvent[], RecordedEvent[]][] = [
    ['funding', pick(recorded, isFunding), pick(rerun, isFunding)],
    ['venue fill', pick(recorded, ownFill(new Set(ta.map((t) => t.id)))), pick(rerun, ownFill(new Set(tb.map((t) => t.id))))],
  ];
  for (const [what, xa, xb] of pairs) {
    for (let k = 0; k < Math.max(xa.length, xb.length); k++) {
      const a = xa[k];
      const b = xb[k];
      if (!a || !b) out.push({ kind: a ? 'missing' : 'extra', trade: 0, field: `${what} #${k + 1}`, recorded: a?.payload ?? null, rerun: b?.payload ?? null, ts: (a ?? b)!.ts });
      else if (a.ts !== b.ts || a.symbol !== b.symbol || !same(a.payload, b.payload)) out.push({ kind: what === 'funding' ? 'funding' : 'fill-price', trade: 0, field: `${what} #${k + 1}`, recorded: a.payload, rerun: b.payload, ts: a.ts });
    }
  }
  // Equity at each decision bar (exact float equality: same ledger, same marks, same arithmetic).
  const ea = recorded.filter((e) => e.type === 'bar');
  const eb = rerun.filter((e) => e.type === 'bar');
  for (let k = 0; k < Math.min(ea.length, eb.length); k++) {
    const x = (ea[k]!.payload as { equity: number }).equity;
    const y = (eb[k]!.payload as { equity: number }).equity;
    if (x !== y) out.push({ kind: 'equity', trade: 0, field: `equity at bar ${(ea[k]!.payload as { i: number }).i}`, recorded: x, rerun: y, ts: ea[k]!.ts });
  }
  if (ea.length !== eb.length) out.push({ kind: ea.length > eb.length ? 'missing' : 'extra', trade: 0, field: 'decision bars', recorded: ea.length, rerun: eb.length, ts: (ea[eb.length] ?? eb[ea.length])?.ts ?? 0 });
  const nf = (es: readonly RecordedEvent[]) => es.filter((e) => e.type === 'fill').length;
  return { identical: out.length === 0, trades: { recorded: ta.length, rerun: tb.length }, fills: { recorded: nf(recorded), rerun: nf(rerun) }, divergences: out, events: rerun, engine: { recorded: engineOf(recorded), rerun: engineOf(rerun) } };
}

function orderOf(t: Trade): Record<string, unknown> {
  return (t.created.payload as { order: Record<string, unknown> }).order;
}

function plainFill(f: ReturnType<typeof fillFrom>): Record<string, unknown> {
  return { ...f, fee: f.fee.toString() };
}

/** Structural equality over audited (canonical-JSON-able) data; bigints compare by value. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'bigint' || typeof b === 'bigint') return String(a) === String(b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** The engine fingerprint a session's `session-start` carries; null for one recorded before fingerprints. */
export function engineOf(events: readonly RecordedEvent[]): string | null {
  const start = events.find((e) => e.type === 'session-start');
  const engine = (start?.payload as { config?: { engine?: unknown } } | undefined)?.config?.engine;
  return typeof engine === 'string' ? engine : null;
}
