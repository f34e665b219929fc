/**
 * Audit coverage around the kernel. The kernel audits signals, risk verdicts, order events and fills; the
 * host wraps its sink in a `SessionAuditSink` so that EVERY event of a session — the kernel's and the
 * host's — carries the session id, a monotonic per-session sequence, its UTC time and the strategy version
 * hash, and uses the helpers below for what only the host knows: session start/stop, configuration changes,
 * manual overrides, and the closed bar each strategy decision was made on.
 *
 * `session-start` records everything a re-run needs (instrument specs, portfolio, venue settings, strategy
 * id + version hash, parameters, which market data), so a session can be replayed from its log alone.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { InstrumentSpec } from '../model/index.ts';
import type { Strategy, StrategyContext } from '../engine/strategy.ts';
import type { PortfolioConfig } from '../portfolio/portfolio.ts';
import type { AuditEvent, AuditSink } from '../ports.ts';

export type SessionKind = 'backtest' | 'paper' | 'live';

export interface SessionInfo {
  readonly sessionId: string;
  readonly kind: SessionKind;
  /** The account the session trades for (paper and live sessions). */
  readonly account?: string;
  readonly strategyId?: string;
  /** Hash of the strategy version (see strategyVersionHash). */
  readonly strategyVersion?: string;
}

/** The fields a SessionAuditSink adds to every event. */
export interface SessionStamp {
  readonly session: string;
  /** 1, 2, 3 ... per session, in the order events were appended. */
  readonly sessionSeq: number;
  /** The account of the session, when it has one. */
  readonly account?: string;
  /** ISO-8601 UTC rendering of `ts`. */
  readonly utc: string;
}

export type StampedAuditEvent = AuditEvent & SessionStamp;

/** What a SessionAuditSink adds to one event: the stamp, and the session's strategy version if the event has none. */
export type EventStamp = SessionStamp & { readonly strategyVersion?: string };

/**
 * A sink that takes the stamp apart from the event (the ledger's AuditLog): it stores exactly
 * `{ ...event, ...stamp }` but can encode it without building that copy — per audited event, the copy and
 * its garbage were a good part of the audit's cost. Keys absent from the stamp are absent, never undefined.
 */
export interface StampAwareSink extends AuditSink {
  appendStamped(event: AuditEvent, stamp: EventStamp): void;
}

function stampAware(sink: AuditSink): sink is StampAwareSink {
  return typeof (sink as Partial<StampAwareSink>).appendStamped === 'function';
}

export class SessionAuditSink implements AuditSink {
  readonly info: SessionInfo;
  private readonly inner: AuditSink;
  private readonly stampAware: boolean;
  private seq: number;
  /** The last `ts` rendered and its rendering: a tick's events share their time. */
  private utcTs = Number.NaN;
  private utc = '';

  /** `afterSeq`: the session's last sessionSeq, when appending to a session another process began. */
  constructor(inner: AuditSink, info: SessionInfo, afterSeq = 0) {
    this.inner = inner;
    this.stampAware = stampAware(inner);
    this.info = info;
    this.seq = afterSeq;
  }

  get lastSeq(): number {
    return this.seq;
  }

  append(event: AuditEvent): void {
    if (this.stampAware) {
      (this.inner as StampAwareSink).appendStamped(event, this.stampFor(event));
      return;
    }
    const stamped: StampedAuditEvent = {
      ...event,
      session: this.info.sessionId,
      sessionSeq: ++this.seq,
      ...(this.info.account !== undefined ? { account: this.info.account } : {}),
      utc: this.utcOf(event.ts),
      ...(event.strategyVersion === undefined && this.info.strategyVersion !== undefined ? { strategyVersion: this.info.strategyVersion } : {}),
    };
    this.inner.append(stamped);
  }

  /** The same fields, in the same order, as the spread in `append` adds. */
  private stampFor(event: AuditEvent): EventStamp {
    const session = this.info.sessionId;
    const sessionSeq = ++this.seq;
    const account = this.info.account;
    const utc = this.utcOf(event.ts);
    const strategyVersion = event.strategyVersion === undefined ? this.info.strategyVersion : undefined;
    if (account !== undefined) return strategyVersion !== undefined ? { session, sessionSeq, account, utc, strategyVersion } : { session, sessionSeq, account, utc };
    return strategyVersion !== undefined ? { session, sessionSeq, utc, strategyVersion } : { session, sessionSeq, utc };
  }

  private utcOf(ts: number): string {
    if (ts !== this.utcTs) {
      this.utc = new Date(ts).toISOString();
      this.utcTs = ts;
    }
    return this.utc;
  }
}

/** Content hash of a strategy version: SHA-256 of its source (rules JSON or code), hex. */
export function strategyVersionHash(source: string): string {
  return bytesToHex(sha256(utf8ToBytes(source)));
}

export interface SessionStartConfig {
  readonly instruments: readonly InstrumentSpec[];
  readonly portfolio: PortfolioConfig;
  /** Venue id and the settings that determine its fills (fee model, slippage, latency, seed). */
  readonly venue: Readonly<Record<string, unknown>> & { readonly id: string };
  readonly strategy?: { readonly id: string; readonly version: string; readonly params?: Readonly<Record<string, unknown>> };
  /** Fills booked before the session (a paper account continues across sessions), as audited fills. */
  readonly priorFills?: readonly Readonly<Record<string, unknown>>[];
  /** Perpetual funding booked before the session (the ledger's funding rows), as {symbol, ts, rate, markPrice}. */
  readonly priorFunding?: readonly Readonly<Record<string, unknown>>[];
  /** Which market data the session consumed (e.g. {venue, symbol, timeframe, from, to}). */
  readonly data?: Readonly<Record<string, unknown>>;
  /** The engine that ran it (core/engine/version.ts); absent in sessions recorded before fingerprints. */
  readonly engine?: string;
}

export function auditSessionStart(sink: AuditSink, ts: number, config: SessionStartConfig): void {
  sink.append({ type: 'session-start', ts, ...(config.strategy ? { strategyVersion: config.strategy.version } : {}), payload: { config } });
}

export function auditSessionStop(sink: AuditSink, ts: number, outcome: { readonly reason: string; readonly summary?: Readonly<Record<string, unknown>> }): void {
  sink.append({ type: 'session-stop', ts, payload: { reason: outcome.reason, summary: outcome.summary ?? {} } });
}

export function auditConfigChange(sink: AuditSink, ts: number, change: { readonly what: string; readonly from: unknown; readonly to: unknown; readonly by: string; readonly symbol?: string }): void {
  sink.append({ type: 'config-change', ts, ...(change.symbol ? { symbol: change.symbol } : {}), payload: { what: change.what, from: change.from ?? null, to: change.to ?? null, by: change.by } });
}

export function auditOverride(sink: AuditSink, ts: number, o: { readonly action: string; readonly reason: string; readonly by: string; readonly symbol?: string; readonly details?: Readonly<Record<string, unknown>> }): void {
  sink.append({ type: 'override', ts, ...(o.symbol ? { symbol: o.symbol } : {}), payload: { action: o.action, reason: o.reason, by: o.by, details: o.details ?? {} } });
}

/**
 * Wraps a strategy so that each closed bar it decides on is audited BEFORE its decision: symbol, bar
 * index, OHLCV, the bar's open time as the venue timestamp, and the equity the strategy saw. Replay marks
 * the portfolio from these, which is what makes its equity equal the session's exactly.
 */
export function auditDecisionBars(strategy: Strategy, sink: AuditSink): Strategy {
  const wrapped: Strategy = {
    id: strategy.id,
    ...(strategy.version !== undefined ? { version: strategy.version } : {}),
    onBar(ctx: StrategyContext) {
      const i = ctx.i;
      const b = ctx.bars;
      sink.append({
        type: 'bar', ts: b.ts[i]! + b.intervalMs, venueTs: b.ts[i]!, symbol: ctx.symbol, ...(strategy.version !== undefined ? { strategyVersion: strategy.version } : {}),
        payload: { i, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]!, equity: ctx.equity },
      });
      strategy.onBar(ctx);
    },
  };
  if (strategy.onStart) wrapped.onStart = (ctx) => strategy.onStart!(ctx);
  if (strategy.onFill) wrapped.onFill = (ctx, f) => strategy.onFill!(ctx, f);
  if (strategy.onOrder) wrapped.onOrder = (ctx, o) => strategy.onOrder!(ctx, o);
  return wrapped;
}
