/**
 * The backtester: the live kernel (main/core/engine) with the paper venue, the limits risk gate and an
 * in-memory store, run over stored candles. Nothing here re-implements matching, risk or accounting; it
 * only composes the same parts paper trading uses, feeds the bars, and assembles the result.
 *
 * One symbol runs on Engine.run (columnar, no allocation per bar). Several symbols run on the live path
 * (Engine.onCandle) with bars merged in time order, so a portfolio of strategies shares one account.
 *
 * A strategy that throws, sizes NaN, or is cancelled stops at that bar: its orders are cancelled, and the
 * result covers every bar up to and including it (status 'error' / 'cancelled' with the reason).
 */
import { createHash } from 'node:crypto';
import { KestrelError, ValidationError, CancelledError } from '../../main/core/errors.ts';
import { Engine } from '../../main/core/engine/kernel.ts';
import { SimClock } from '../../main/core/engine/clock.ts';
import type { Strategy, StrategyContext } from '../../main/core/engine/strategy.ts';
import { LimitsRiskGate, type RiskLimits } from '../../main/core/risk/gate.ts';
import { toRiskLimits } from '../../main/core/risk/profile.ts';
import { RiskLog } from '../../main/core/risk/log.ts';
import { NullAuditSink, type AuditSink, type Store } from '../../main/core/ports.ts';
import { auditDecisionBars } from '../../main/core/audit/session.ts';
import type { Fill, Instrument, Order } from '../../main/core/model/index.ts';
import { defineInstrument, money, moneyToString, type InstrumentSpec } from '../../main/core/model/index.ts';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import { sliceColumns } from '../../main/core/data/candles.ts';
import { checkTimeframe, parseBacktestConfig, timeframeToMs, type BacktestConfig } from '../../main/core/backtest/config.ts';
import { assembleResult, certify, sourceHash, summarizeResult, type AssembleInput, type BacktestResult, type DatasetCertificate, type RunError, type RunSummary, type StrategyInfo } from '../../main/core/backtest/result.ts';
import { canonicalJson } from '../../main/core/audit/canonical.ts';
import { FillLines } from '../../main/core/backtest/fill-lines.ts';
import { RunBook } from '../../main/core/backtest/run-book.ts';
import { netProfitAt } from '../../main/core/backtest/net-profit.ts';
import { parseRules } from '../../main/core/strategy/dsl.ts';
import { compileRules } from '../../main/core/strategy/rules.ts';
import type { IndicatorMemo } from '../../main/core/strategy/series.ts';
import { PaperVenue } from '../../main/venues/paper/paper-venue.ts';
import { FeeModel } from '../../main/venues/paper/fees.ts';

export interface Dataset {
  readonly symbol: string;
  readonly columns: OhlcvColumns;
  /** Where the candles came from (store, file, generator). */
  readonly source: string;
  /** Pass a certificate computed earlier (sweeps certify once); otherwise it is computed here. */
  readonly certificate?: DatasetCertificate;
}

export interface StrategySource {
  readonly info: StrategyInfo;
  /** A fresh strategy instance per symbol. */
  create(symbol: string): Strategy;
}

export interface RunControl {
  /** Polled every 4096 bars; true stops the run with status 'cancelled'. */
  readonly aborted?: () => boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called every bar before the strategy (cheap): the code-strategy watchdog's heartbeat and checkpoints. */
  readonly heartbeat?: (i: number, ctx: StrategyContext) => void;
}

export function rulesSource(doc: unknown, params: Readonly<Record<string, number>> = {}, memo?: IndicatorMemo): StrategySource {
  const spec = parseRules(doc, params);
  const version = sourceHash(typeof doc === 'string' ? doc : canonicalJson(doc));
  return {
    info: { id: spec.name, name: spec.name, kind: 'rules', version, params: spec.params },
    create: () => compileRules(spec, { id: spec.name, version, ...(memo ? { memo } : {}) }),
  };
}

export function instrumentsFor(cfg: BacktestConfig): Map<string, Instrument> {
  return new Map(instrumentSpecs(cfg).map((spec) => [spec.symbol, defineInstrument(spec)]));
}

/** The instrument of each symbol of the config (defaults from the symbol name and the config's fees). */
export function instrumentSpecs(cfg: BacktestConfig): InstrumentSpec[] {
  return cfg.symbols.map((symbol) => {
    const o = cfg.instruments[symbol] ?? {};
    const [b, q] = symbol.split('/');
    return {
      symbol, venue: cfg.venue, base: o.base ?? b ?? symbol, quote: o.quote ?? q ?? cfg.currency, kind: o.kind ?? 'spot',
      tickSize: o.tickSize ?? '0.01', lotSize: o.lotSize ?? '0.0001', ...(o.minNotional ? { minNotional: o.minNotional } : {}),
      ...(o.maxLeverage ? { maxLeverage: o.maxLeverage } : {}),
      makerFee: cfg.fees.maker, takerFee: cfg.fees.taker,
    };
  });
}

/** Rows of `c` with from ≤ ts ≤ to (binary search; a view, no copy). */
export function selectRange(c: OhlcvColumns, from?: number, to?: number): OhlcvColumns {
  const lb = (t: number): number => {
    let lo = 0;
    let hi = c.ts.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (c.ts[m]! < t) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const a = from === undefined ? 0 : lb(from);
  const b = to === undefined ? c.ts.length : lb(to + 1);
  return a === 0 && b === c.ts.length ? c : sliceColumns(c, a, b);
}

/** Keeps the run alive after a strategy failure: records why, cancels its orders, stops calling it. */
class Guard implements Strategy {
  readonly id: string;
  readonly version: string | undefined;
  private readonly inner: Strategy;
  private readonly ctl: RunControl;
  private readonly total: number;
  error: RunError | undefined;
  stoppedAt = -1;
  cancelled = false;
  /** Set when the data has ended: what the backtester does after (closing positions) is not the strategy's business. */
  ended = false;

  constructor(inner: Strategy, ctl: RunControl, total: number) {
    this.inner = inner;
    this.id = inner.id;
    this.version = inner.version;
    this.ctl = ctl;
    this.total = total;
  }

  private fail(ctx: StrategyContext, e: unknown): void {
    if (this.stoppedAt >= 0) return;
    this.stoppedAt = Math.max(0, ctx.i);
    const k = e instanceof KestrelError ? e : undefined;
    this.cancelled = e instanceof CancelledError;
    this.error = { code: k?.code ?? 'strategy', message: `${e instanceof Error ? e.message : String(e)}`, bar: this.stoppedAt, ts: ctx.i >= 0 ? ctx.bars.ts[ctx.i]! + ctx.bars.intervalMs : 0 };
    try {
      ctx.engine.cancelAll(ctx.symbol);
    } catch {
      // the run is already failing; a cancel refusal changes nothing
    }
  }

  onStart(ctx: StrategyContext): void {
    try {
      this.inner.onStart?.(ctx);
    } catch (e) {
      this.fail(ctx, e);
    }
  }

  onBar(ctx: StrategyContext): void {
    if (this.stoppedAt >= 0) return;
    const i = ctx.i;
    this.ctl.heartbeat?.(i, ctx);
    if ((i & 4095) === 0 && i > 0) {
      this.ctl.onProgress?.(i, this.total);
      if (this.ctl.aborted?.()) return this.fail(ctx, new CancelledError('backtest cancelled'));
    }
    try {
      this.inner.onBar(ctx);
    } catch (e) {
      this.fail(ctx, e);
    }
  }

  onFill(ctx: StrategyContext, f: Fill): void {
    if (this.stoppedAt >= 0 || this.ended || !this.inner.onFill) return;
    try {
      this.inner.onFill(ctx, f);
    } catch (e) {
      this.fail(ctx, e);
    }
  }

  onOrder(ctx: StrategyContext, o: Readonly<Order>): void {
    if (this.stoppedAt >= 0 || this.ended || !this.inner.onOrder) return;
    try {
      this.inner.onOrder(ctx, o);
    } catch (e) {
      this.fail(ctx, e);
    }
  }
}

/**
 * A backtest persists nothing: the result is built from the portfolio's fills. Duplicate fills cannot come
 * from the paper venue (one trade id per execution), and the portfolio deduplicates by trade id anyway.
 */
class BacktestStore implements Store {
  recordIntent(): void {}
  recordOrderUpdate(): void {}
  recordFill(): boolean {
    return true;
  }
}

/** The kernel wired as a backtest: simulated clock, paper venue, limits gate, in-memory store and audit. */
export function buildEngine(cfg: BacktestConfig, instruments: ReadonlyMap<string, Instrument> = instrumentsFor(cfg), audit: AuditSink = new NullAuditSink(), history = true): Engine {
  const clock = new SimClock(0);
  // Spot buys are limited to the cash the account holds at the fill (paper-venue.ts, "Spot funds").
  let engine: Engine | undefined;
  const venue = new PaperVenue({
    id: cfg.venue, instruments: [...instruments.values()], clock, seed: cfg.seed, latencyMs: cfg.latencyMs, latencyJitterMs: cfg.latencyJitterMs,
    path: cfg.intrabarPath, slippage: cfg.slippage, fees: new FeeModel(), ...(cfg.participation ? { participation: cfg.participation } : {}),
    funds: (currency) => engine!.portfolio.cash(currency),
  });
  return (engine = new Engine({
    instruments: [...instruments.values()], venue, clock, store: new BacktestStore(), audit,
    risk: new LimitsRiskGate(limitsOf(cfg)), portfolio: { baseCurrency: cfg.currency, cash: { [cfg.currency]: cfg.initialCash } }, sessionId: 'BT', history,
  }));
}

/**
 * The run's limits: the profile's, with the config's explicit `risk` limits on top. A backtest is unattended:
 * a monitor's halt also closes the positions, and a daily-loss halt lifts at the next trading day
 * (risk/monitor.ts); other halts stay.
 */
export function limitsOf(cfg: BacktestConfig): RiskLimits {
  const explicit = Object.fromEntries(Object.entries(cfg.risk).filter(([, v]) => v !== undefined));
  return cfg.riskProfile ? { ...toRiskLimits(cfg.riskProfile), ...explicit, unattended: true } : explicit;
}

export interface BacktestJob {
  readonly config: unknown;
  readonly strategy: StrategySource;
  readonly datasets: readonly Dataset[];
  readonly control?: RunControl;
  /** Where the kernel's audit events go (and each decision bar, before the decision); default: nowhere. */
  readonly audit?: AuditSink;
  /** Certificates computed elsewhere while this run simulates (late-certificates.ts), asked for once at assembly. */
  readonly lateCertificates?: () => readonly DatasetCertificate[] | undefined;
}

export function runBacktest(job: BacktestJob): BacktestResult {
  return assembleResult(execute(job));
}

/**
 * Buffers lent to the backtests of one sweep task, whose curves never leave the worker: one equity buffer,
 * the close-time axis of the candles (the same for every parameter set), and the fill lines of the hash.
 */
export class RunScratch {
  private eq: Float64Array = new Float64Array(0);
  private axisOf: Float64Array | undefined;
  private axisIv = 0;
  private axis: Float64Array = new Float64Array(0);
  private fillLines: FillLines | undefined;

  lines(): FillLines {
    return (this.fillLines ??= new FillLines());
  }

  equity(n: number): Float64Array {
    if (this.eq.length < n) this.eq = new Float64Array(n);
    return this.eq;
  }

  closeTimes(openTs: Float64Array, intervalMs: number): Float64Array {
    if (this.axisOf !== openTs || this.axisIv !== intervalMs) {
      this.axis = closeTimes(openTs, intervalMs);
      this.axisOf = openTs;
      this.axisIv = intervalMs;
    }
    return this.axis;
  }
}

function closeTimes(openTs: Float64Array, intervalMs: number): Float64Array {
  const ts = new Float64Array(openTs.length);
  for (let i = 0; i < ts.length; i++) ts[i] = openTs[i]! + intervalMs;
  return ts;
}

/**
 * A config parsed and its candles selected and certified, once: the backtests of a sweep task differ only in
 * their parameters, so they share it instead of validating the same config and certifying the same candles
 * for every parameter set.
 */
export class PreparedRun {
  readonly cfg: BacktestConfig;
  readonly intervalMs: number;
  readonly instruments: Map<string, Instrument>;
  readonly cols: readonly OhlcvColumns[];
  private certs: readonly DatasetCertificate[] | undefined;
  private readonly late: (() => readonly DatasetCertificate[] | undefined) | undefined;
  private readonly data: ReadonlyMap<string, Dataset>;
  private readonly checked: boolean;
  /** Open times of the run's bars: the one symbol's, or every symbol's merged (what the equity curve is on). */
  readonly axis: Float64Array;

  /**
   * `late`: certificates handed over while the run simulates (asked for only when the result is assembled).
   * `checked` false: the caller has checked the candles against the timeframe and certifies them itself (the
   * sandbox process, whose parent does both while it runs): `certificates` stay empty here.
   */
  constructor(config: unknown, datasets: readonly Dataset[], opts: { readonly late?: () => readonly DatasetCertificate[] | undefined; readonly checked?: boolean } = {}) {
    const cfg = parseBacktestConfig(config);
    this.cfg = cfg;
    this.checked = opts.checked !== false;
    const checked = this.checked;
    this.intervalMs = timeframeToMs(cfg.timeframe);
    this.instruments = instrumentsFor(cfg);
    const data = new Map<string, Dataset>();
    for (const d of datasets) data.set(d.symbol, d);
    this.cols = cfg.symbols.map((s) => {
      const d = data.get(s);
      if (!d) throw new ValidationError(`no candles for ${s}`, [{ path: 'symbols', message: `no dataset for ${s}` }]);
      const c = selectRange(d.columns, cfg.from, cfg.to);
      if (checked) checkTimeframe(s, cfg.timeframe, c.ts);
      return c;
    });
    this.data = data;
    this.late = opts.late;
    this.axis = this.cols.length === 1 ? this.cols[0]!.ts : mergedTimes(this.cols);
  }

  /**
   * One per symbol of the config: given with the dataset, handed over late, or computed here. Asked for
   * when a result is assembled, so a late hand-off overlaps the simulation.
   */
  get certificates(): readonly DatasetCertificate[] {
    if (!this.checked) return [];
    if (this.certs) return this.certs;
    const late = this.late?.();
    const { cfg } = this;
    return (this.certs = cfg.symbols.map((s, k) => {
      const d = this.data.get(s)!;
      const c = this.cols[k]!;
      const given = late?.find((x) => x.symbol === s) ?? d.certificate;
      return given && given.count === c.ts.length ? given : certify(s, cfg.timeframe, this.intervalMs, c, d.source, nodeSha256, cfg.calendar);
    }));
  }

  /** Statistics and determinism hash of one strategy on these candles (a sweep row). */
  summarize(strategy: StrategySource, control?: RunControl, scratch?: RunScratch): RunSummary {
    const ctl = control ?? {};
    const x = run(this, strategy, ctl, undefined, scratch, true);
    // A run that stopped early keeps only the fills before its stop; those read off the bus include any
    // after it. Such a row is the rare case: it runs again, keeping its history, and is summarized from that.
    return summarizeResult(x.status === 'ok' ? x : run(this, strategy, ctl, undefined, scratch, false));
  }
}

function execute(job: BacktestJob): AssembleInput {
  return run(new PreparedRun(job.config, job.datasets, job.lateCertificates ? { late: job.lateCertificates } : {}), job.strategy, job.control ?? {}, job.audit, undefined);
}

/**
 * runBacktest without the timeframe check and the certificates, which the caller makes at the same time (the
 * sandbox process: its parent checks and certifies the candles while it runs). The result is
 * `assembleResult({ ...x, datasets: certificates })`, identical to runBacktest's. With `scratch`, one symbol's
 * equity curve is written into `scratch.equity(n)`, each bar's value before the strategy sees the bar.
 */
export function executeUncertified(job: BacktestJob, scratch?: RunScratch): AssembleInput {
  return run(new PreparedRun(job.config, job.datasets, { checked: false }), job.strategy, job.control ?? {}, job.audit, scratch);
}

/** Close time of each bar of the run's time axis (one symbol's bars, or every symbol's merged): the result's equity curve is on it (a stopped run's on its start). */
export function closeTimesOf(cols: readonly OhlcvColumns[], intervalMs: number): Float64Array {
  return closeTimes(cols.length === 1 ? cols[0]!.ts : mergedTimes(cols), intervalMs);
}

/** `streamed`: the fills go to the result's book as they happen and the engine keeps no history (a sweep row). */
function run(p: PreparedRun, strategy: StrategySource, ctl: RunControl, audit: AuditSink | undefined, scratch: RunScratch | undefined, streamed = false): AssembleInput {
  const { cfg, intervalMs, instruments, cols, axis } = p;
  const engine = buildEngine(cfg, instruments, audit, !streamed);
  const trades = { instruments, intervalMs, objects: !streamed, axis };
  let book: RunBook | undefined;
  if (streamed) {
    const b = (book = new RunBook(trades, undefined, scratch?.lines()));
    engine.bus.on('fill', (e) => b.add(e.fill, e.order?.tag));
  }
  const riskLog = new RiskLog(engine.bus, engine.clock);
  const create = (symbol: string): Strategy => (audit ? auditDecisionBars(strategy.create(symbol), audit) : strategy.create(symbol));
  let ts: Float64Array;
  let equity: Float64Array;
  const guards: Guard[] = [];
  if (cfg.symbols.length === 1) {
    const c = cols[0]!;
    const bars = { ts: c.ts, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume, length: c.ts.length, intervalMs };
    const g = new Guard(create(cfg.symbols[0]!), ctl, bars.length);
    guards.push(g);
    equity = engine.run(cfg.symbols[0]!, bars, g, scratch?.equity(bars.length)).equity;
    ts = scratch ? scratch.closeTimes(c.ts, intervalMs) : closeTimes(c.ts, intervalMs);
    if (g.stoppedAt >= 0) {
      equity = equity.slice(0, g.stoppedAt + 1);
      ts = ts.slice(0, g.stoppedAt + 1);
    }
  } else {
    ({ ts, equity } = runMany(engine, cfg.symbols, cols, axis, intervalMs, create, ctl, guards));
  }
  const failed = guards.find((g) => g.error);
  if (cfg.closeAtEnd && !failed && ts.length) {
    for (const g of guards) g.ended = true;
    closeAtEnd(engine, cfg, cols);
    equity[equity.length - 1] = engine.portfolio.equity();
  }
  const stopTs = ts.length ? ts[ts.length - 1]! : 0;
  const fills = book ? undefined : engine.portfolio.fills();
  const kept = fills && failed ? fills.filter((f) => f.ts < stopTs) : fills;
  book ??= RunBook.of(kept!, (id) => engine.order(id)?.tag, trades);
  const exact = failed
    ? netProfitAt(cfg, instruments, kept ?? [], lastCloses(cfg.symbols, cols, stopTs - intervalMs))
    : moneyToString((engine.portfolio.equityByCurrency().get(cfg.currency) ?? 0n) - money(cfg.initialCash));
  const orders = engine.oms.placedCount();
  ctl.onProgress?.(ts.length, ts.length);
  return {
    status: failed ? (failed.cancelled ? 'cancelled' : 'error') : 'ok',
    ...(failed?.error ? { error: failed.error } : {}),
    strategy: strategy.info, config: cfg, intervalMs, instruments, ts, equity, book, orders, initialEquity: Number(cfg.initialCash),
    netProfit: exact, fees: moneyToString(book.fees), datasets: p.certificates, hasher: nodeSha256,
    risk: riskLog.result(cfg.riskProfile?.name ?? null, engine.tradingState),
  };
}

/** Each symbol's close of its last bar opening at or before `t` (NaN when it has none). */
function lastCloses(symbols: readonly string[], cols: readonly OhlcvColumns[], t: number): Map<string, number> {
  return new Map(symbols.map((s, k) => {
    const c = cols[k]!;
    let i = c.ts.length - 1;
    while (i >= 0 && c.ts[i]! > t) i--;
    return [s, i >= 0 ? c.close[i]! : NaN];
  }));
}

/**
 * config.closeAtEnd: every open position is closed at its symbol's last close, as one reduce-only market order
 * (tag 'end', source 'system', through the risk gate) filled by a print at that price once the configured
 * latency has passed; the strategy's working orders are canceled first. Fee and slippage apply as to any
 * taker fill. A position the gate refuses to close stays open (listed in openPositions).
 */
function closeAtEnd(engine: Engine, cfg: BacktestConfig, cols: readonly OhlcvColumns[]): void {
  const at = engine.clock.now() + cfg.latencyMs + cfg.latencyJitterMs;
  cfg.symbols.forEach((symbol, k) => {
    const c = cols[k]!;
    const pos = engine.portfolio.positionQty(symbol);
    if (pos === 0 || c.ts.length === 0) return;
    engine.cancelAll(symbol);
    const inst = engine.instrument(symbol);
    try {
      engine.submit({ symbol, side: pos > 0 ? 'sell' : 'buy', type: 'market', qty: Math.abs(pos), reduceOnly: true, tag: 'end' }, 'system');
    } catch (e) {
      if (e instanceof KestrelError) return;
      throw e;
    }
    // Enough printed volume for the whole close under any participation limit.
    engine.onTrade({ symbol, ts: at, price: c.close[c.ts.length - 1]!, qty: (2 * Math.abs(pos) * inst.lotF) / (cfg.participation ?? 1) });
  });
}

/** The open times of several symbols' bars, merged and sorted. */
function mergedTimes(cols: readonly OhlcvColumns[]): Float64Array {
  const all = new Set<number>();
  for (const c of cols) for (let i = 0; i < c.ts.length; i++) all.add(c.ts[i]!);
  return Float64Array.from([...all].sort((a, b) => a - b));
}

/** Several symbols on one account: bars merged by open time, each symbol with its own strategy instance. */
function runMany(engine: Engine, symbols: readonly string[], cols: readonly OhlcvColumns[], times: Float64Array, intervalMs: number, create: (symbol: string) => Strategy, ctl: RunControl, guards: Guard[]): { ts: Float64Array; equity: Float64Array } {
  symbols.forEach((s) => {
    const g = new Guard(create(s), ctl, times.length);
    guards.push(g);
    engine.attach(s, g, intervalMs);
  });
  const at = new Array<number>(symbols.length).fill(0);
  const ts = new Float64Array(times.length);
  const equity = new Float64Array(times.length);
  let n = 0;
  for (let k = 0; k < times.length; k++) {
    const t = times[k]!;
    for (let j = 0; j < symbols.length; j++) {
      const c = cols[j]!;
      const i = at[j]!;
      if (i < c.ts.length && c.ts[i] === t) {
        engine.onCandle(symbols[j]!, { ts: t, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! }, intervalMs);
        at[j] = i + 1;
      }
    }
    ts[n] = t + intervalMs;
    equity[n] = engine.portfolio.equity();
    n++;
    if (guards.some((g) => g.stoppedAt >= 0)) break;
  }
  return { ts: ts.slice(0, n), equity: equity.slice(0, n) };
}

/** node:crypto SHA-256 (same digest as the pure one, several times faster). */
export const nodeSha256 = () => {
  const h = createHash('sha256');
  return { update: (b: Uint8Array) => h.update(b), digest: () => new Uint8Array(h.digest()) };
};

/** The first n rows (a view). */
export function sliceForBench(c: OhlcvColumns, n: number): OhlcvColumns {
  return sliceColumns(c, 0, Math.min(n, c.ts.length));
}
