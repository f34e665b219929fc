/**
 * Strategies and backtests: strategy CRUD with immutable versions (content hash) and rollback, templates,
 * backtests / sweeps / walk-forward started on the host's workers with a progress event stream, stored
 * results, and report export. The result schema (`kestrel.backtest/2`) is documented in the README.
 * Backtest configs and sweep specs are validated by the host (main/core/backtest) with path-named errors.
 */
import { z } from 'zod';
import { command, empty, event, float64Array, id, req, text } from './define.ts';

const kind = () => z.enum(['rules', 'code']);
const source = () => z.string().min(1).max(200_000);
const version = () => z.number().int().min(1).max(1_000_000);
const params = () => z.record(z.string().max(64), z.number().finite()).refine((p) => Object.keys(p).length <= 64, 'at most 64 parameters');
/** Opaque here, validated by the host's BacktestConfig schema (symbols, timeframe, from/to, fees, slippage, latency, seed, ...). */
const jsonObject = () => z.record(z.string().max(64), z.unknown()).refine((o) => JSON.stringify(o).length < 100_000, 'too large');

export const StrategySummary = z.object({ id: z.string(), name: z.string(), kind: z.string(), latestVersion: z.number().int(), createdAt: z.number() });
export const StrategyVersionInfo = z.object({ version: z.number().int(), hash: z.string(), note: z.string().nullable(), createdAt: z.number() });
export const SavedVersion = z.object({ id: z.string(), version: z.number().int(), hash: z.string() });

const strategyRef = {
  strategyId: id().optional(),
  version: version().optional(),
  kind: kind().optional(),
  source: source().optional(),
  params: params().optional(),
  config: jsonObject(),
  dataSource: id().optional(),
  /**
   * The risk limits of the run: `account` (the default) = the selected account's profile, as its paper or
   * live session enforces it, unless config names a riskProfile; `config` = only what config says.
   */
  risk: z.enum(['account', 'config']).optional(),
};

const num = z.number().nullable();
export const BacktestStats = z.object({
  bars: z.number(), initialEquity: z.number(), finalEquity: z.number(), netProfit: z.string(), netProfitPct: z.number(),
  cagr: num, sharpe: num, sortino: num, calmar: num, maxDrawdown: z.number(), maxDrawdownDurationBars: z.number(), maxDrawdownDurationMs: z.number(),
  trades: z.number(), wins: z.number(), losses: z.number(), winRate: num, profitFactor: num, expectancy: num, sqn: num, exposure: z.number(),
  avgTrade: num, avgTradePct: num, bestTrade: num, worstTrade: num, avgBarsHeld: num, fees: z.string(),
});

export const TradeRow = z.object({
  symbol: z.string(), side: z.enum(['long', 'short']), entryTs: z.number(), exitTs: z.number(), qty: z.string(), entryPrice: z.string(), exitPrice: z.string(),
  pnl: z.string(), pnlValue: z.number(), returnPct: z.number(), fees: z.string(), bars: z.number(), exitReason: z.string(),
});

type TradeRowT = z.infer<typeof TradeRow>;

/** Each TradeRow field as a plain type test (a field type added to TradeRow without one here fails at load). */
const TRADE_FIELDS = Object.entries(TradeRow.shape).map(([k, t]): [string, (v: unknown) => boolean, string] => {
  if ((t instanceof z.ZodString || t instanceof z.ZodNumber) && t._def.checks.length > 0) throw new Error(`TradeRows: no plain check for the refinements of ${k}`);
  if (t instanceof z.ZodString) return [k, (v) => typeof v === 'string', 'string'];
  if (t instanceof z.ZodNumber) return [k, (v) => typeof v === 'number' && !Number.isNaN(v), 'number'];
  if (t instanceof z.ZodEnum) {
    const options = new Set<unknown>(t.options as string[]);
    return [k, (v) => options.has(v), (t.options as string[]).map((o) => `'${o}'`).join(' | ')];
  }
  throw new Error(`TradeRows: no plain check for the type of ${k}`);
});

/**
 * The trade list of a result: the rules of TradeRow, checked by plain type tests in one pass. zod's object
 * parser cost ~17 µs a row, on each side of the wire: for a 20k-trade result that was more than the rest of
 * its delivery. Extra keys are not stripped (the rows are passed on as they are).
 */
export const TradeRows = z.custom<TradeRowT[]>().superRefine((rows, ctx) => {
  if (!Array.isArray(rows)) return void ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Expected an array of trades' });
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return void ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: 'Expected a trade object' });
    for (const [k, ok, expected] of TRADE_FIELDS) {
      if (!ok((row as Record<string, unknown>)[k])) return void ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, k], message: `Expected ${expected}` });
    }
  }
});

export const BacktestResultWire = z.object({
  // Results stored under schema 1 keep their tag: same shape, their hash follows schema 1's definition.
  schema: z.enum(['kestrel.backtest/2', 'kestrel.backtest/1']),
  status: z.enum(['ok', 'error', 'cancelled']),
  error: z.object({ code: z.string(), message: z.string(), bar: z.number().optional(), ts: z.number().optional() }).optional(),
  strategy: z.object({ id: z.string(), name: z.string(), kind: z.string(), version: z.string(), params: z.record(z.number()) }),
  config: z.record(z.unknown()),
  stats: BacktestStats,
  trades: TradeRows,
  openPositions: z.array(z.object({ symbol: z.string(), side: z.string(), entryTs: z.number(), qty: z.string() })),
  /** `bars`: the full curve's length, present when these are display points of it (backtest.get with `points`). */
  equity: z.object({ ts: float64Array(), value: float64Array(), drawdown: float64Array(), bars: z.number().int().optional() }),
  certificate: z.object({ ok: z.boolean(), datasets: z.array(z.record(z.unknown())) }),
  counts: z.object({ fills: z.number(), orders: z.number() }),
  /** The run's risk profile and every refusal, alert and halt (absent for results stored before profiles). */
  risk: z.object({
    profile: z.string().nullable(),
    finalState: z.enum(['active', 'reducing-only', 'halted']),
    refusals: z.array(z.object({ ts: z.number(), symbol: z.string(), side: z.string(), qty: z.number(), source: z.string(), reasons: z.array(z.object({ rule: z.string(), message: z.string(), limit: z.union([z.string(), z.number()]).optional(), actual: z.union([z.string(), z.number()]).optional() })) })),
    refusalCount: z.number(),
    byRule: z.record(z.number()),
    events: z.array(z.object({ ts: z.number(), kind: z.enum(['alert', 'state']), rule: z.string(), message: z.string(), state: z.enum(['active', 'reducing-only', 'halted']).optional(), limit: z.number().optional(), value: z.number().optional(), symbol: z.string().optional() })),
    halts: z.number(),
    /** Daily-loss holds of the run and how many lifted at the next trading day (absent in results stored before). */
    dailyLoss: z.object({ holds: z.number(), lifted: z.number() }).optional(),
  }).optional(),
  determinismHash: z.string(),
});
export type BacktestResultWire = z.infer<typeof BacktestResultWire>;

export const BacktestProgress = z.object({
  runId: z.string(),
  kind: z.enum(['backtest', 'sweep', 'walk-forward']),
  done: z.number(),
  total: z.number(),
  status: z.enum(['running', 'ok', 'error', 'cancelled']),
  message: z.string().optional(),
});

const RunStarted = z.object({ runId: z.string() });

export const strategyCommands = {
  'strategy.list': command('Saved strategies (not deleted), with their latest version number.', empty, z.array(StrategySummary)),
  'strategy.get': command('One strategy and the source of a version (latest by default).', req({ id: id(), version: version().optional() }),
    z.object({ id: z.string(), name: z.string(), kind: z.string(), version: z.number().int(), hash: z.string(), source: z.string(), note: z.string().nullable(), createdAt: z.number() })),
  'strategy.save': command('Validate and save a strategy source as its next version (new strategy when id is absent). Unchanged source keeps the version.',
    req({ id: id().optional(), name: text(128).min(1), kind: kind(), source: source(), note: text(500).optional() }), SavedVersion),
  'strategy.validate': command('Check a source without saving: rules documents against the DSL (errors name the path), code for syntax and imports.',
    req({ kind: kind(), source: source() }), z.object({ ok: z.boolean(), message: z.string().optional(), issues: z.array(z.object({ path: z.string(), message: z.string() })) })),
  'strategy.duplicate': command('Copy a strategy (its latest version) under a new name.', req({ id: id(), name: text(128).min(1) }), SavedVersion),
  'strategy.delete': command('Delete (archive) a strategy; stored results that cite it stay.', req({ id: id() }), z.object({ ok: z.literal(true) })),
  'strategy.versions': command('All versions of a strategy with their content hashes.', req({ id: id() }), z.array(StrategyVersionInfo)),
  'strategy.rollback': command('Make an earlier version current again (saved as a new version with the same hash).', req({ id: id(), version: version() }), SavedVersion),
  'strategy.templates': command('Built-in rules templates (SMA/EMA crossover, RSI mean reversion, Bollinger breakout, Donchian trend).', empty,
    z.array(z.object({ id: z.string(), title: z.string(), description: z.string(), source: z.string() }))),
  'backtest.run': command('Start a backtest of a saved strategy (or an unsaved kind + source) over stored candles; progress arrives as backtest.progress. With record, a saved strategy\'s run is also recorded as an audit session (id = runId) that the audit view can replay and re-run.',
    req({ ...strategyRef, record: z.boolean().optional() }), RunStarted),
  'backtest.cancel': command('Cancel a running backtest, sweep or walk-forward (partial results are kept).', req({ runId: id() }), z.object({ cancelled: z.boolean() })),
  'backtest.get': command('A finished backtest result: statistics, trades, equity and drawdown curves, data-quality certificate, determinism hash. With points, a longer curve comes as at most about that many display points (each bar\'s extremes of equity and drawdown kept, exact values) and equity.bars says how long the full curve is; without, the full curves.',
    req({ runId: id(), points: z.number().int().min(16).max(100_000_000).optional() }), BacktestResultWire),
  'backtest.list': command('Stored backtest results, newest first.', req({ strategyId: id().optional(), limit: z.number().int().min(1).max(1000).optional() }),
    z.array(z.object({ runId: z.string(), strategyId: z.string().nullable(), version: z.number().nullable(), createdAt: z.number(), status: z.string(), netProfit: z.string(), sharpe: num, trades: z.number(), determinismHash: z.string().nullable() }))),
  'backtest.report': command('Export a result as JSON, trades CSV, equity CSV or a self-contained offline HTML report.',
    req({ runId: id(), format: z.enum(['json', 'trades-csv', 'equity-csv', 'html']) }), z.object({ content: z.string(), mime: z.string(), fileName: z.string() })),
  'sweep.run': command('Start a grid or random parameter sweep, or a rolling walk-forward when walkForward is given (rules strategies), on the worker pool, or on the queue workers of a cluster from the settings.',
    req({ ...strategyRef, sweep: jsonObject(), walkForward: req({ inSampleBars: z.number().int().min(2).max(10_000_000), outOfSampleBars: z.number().int().min(1).max(10_000_000) }).optional(), cluster: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).optional() }), RunStarted),
  'sweep.clusters': command('The sweep clusters of the settings, each with the queue workers connected now and whether they run this engine version (results must be exact).', empty,
    z.array(z.object({ id: z.string(), name: z.string(), where: z.string(), engine: z.string(), workers: z.array(z.object({ id: z.string(), host: z.string(), version: z.string(), engine: z.string(), slots: z.number(), compatible: z.boolean() })), error: z.string().nullable() }))),
  'sweep.get': command('Sweep rows ranked by the objective (or walk-forward windows and the stitched out-of-sample equity).', req({ runId: id() }),
    z.object({ status: z.string(), kind: z.string(), objective: z.string(), rows: z.array(z.unknown()), windows: z.array(z.unknown()), equity: z.object({ ts: float64Array(), value: float64Array() }).nullable() })),
};

export const strategyEvents = {
  'backtest.progress': event('Progress and completion of a backtest, sweep or walk-forward.', BacktestProgress),
};
