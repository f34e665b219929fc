/** Argument handling shared by `kestrel backtest` and `kestrel sweep`: strategy file, data, config flags. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describeDetected } from '../../core/data/csv.ts';
import { generateDemoCandles } from '../../core/data/demo.ts';
import type { OhlcvColumns } from '../../core/data/candles.ts';
import { ValidationError } from '../../core/errors.ts';
import { dataSpacing, timeframeToMs } from '../../core/backtest/config.ts';
import { STANDARD_PROFILE, UNLIMITED_PROFILE } from '../../core/risk/profile.ts';
import { checkRows, readCandlesCsvFile } from '../../host/data/csv-file.ts';
import { defaultDataDir } from '../../host/paths.ts';
import { UsageError, type OptionSpecs } from '../command.ts';
import { trace } from '../trace.ts';

export const COMMON_OPTIONS = {
  strategy: { type: 'string', short: 's', value: 'FILE', help: 'strategy: a rules document (.json) or a code strategy (.ts/.js); required' },
  symbol: { type: 'string', value: 'BASE/QUOTE', help: 'the symbol traded, e.g. BTC/USDT or AAPL/USD; required' },
  timeframe: { type: 'string', short: 't', value: 'TF', help: 'bar length (1m, 1h, 1d, ...); refused when the data says otherwise', defaultHelp: "inferred from the data's spacing (stored data: the one timeframe stored)" },
  from: { type: 'string', value: 'T', help: 'first bar open time (ISO date or epoch ms)', defaultHelp: 'the first bar' },
  to: { type: 'string', value: 'T', help: 'last bar open time (ISO date or epoch ms)', defaultHelp: 'the last bar' },
  data: { type: 'string', value: 'FILE.csv', help: 'candles from a CSV file' },
  demo: { type: 'string', value: 'DAYS', help: 'candles from the seeded demo generator (1m, synthetic)' },
  source: { type: 'string', default: 'demo', value: 'NAME', help: 'stored candles: the dataset source (without --data / --demo)' },
  'data-dir': { type: 'string', value: 'DIR', help: 'where stored candles live', defaultHelp: 'the app data directory' },
  cash: { type: 'string', value: 'AMOUNT', help: 'initial cash in --currency', defaultHelp: '10000' },
  currency: { type: 'string', value: 'CCY', help: 'account currency', defaultHelp: "the symbol's quote (required when the symbol names none)" },
  fee: { type: 'string', value: 'RATE', help: 'taker fee as a fraction (0.001 = 10 bps)', defaultHelp: '0' },
  'maker-fee': { type: 'string', value: 'RATE', help: 'maker fee as a fraction', defaultHelp: '--fee' },
  slippage: { type: 'string', value: 'BPS', help: 'fixed slippage on taker fills, in basis points', defaultHelp: '0' },
  latency: { type: 'string', value: 'MS', help: 'order latency in ms', defaultHelp: '0' },
  seed: { type: 'string', value: 'N', help: 'random seed (latency jitter, slippage jitter)', defaultHelp: '1' },
  tick: { type: 'string', value: 'SIZE', help: 'price tick of the instrument', defaultHelp: '0.01' },
  lot: { type: 'string', value: 'SIZE', help: 'quantity step of the instrument (1 for whole shares)', defaultHelp: '0.0001' },
  calendar: { type: 'string', value: '24/7|weekdays|FILE.json', help: 'when the market trades: closed days are no data gaps; sets periods per year', defaultHelp: '24/7' },
  'periods-per-year': { type: 'string', value: 'N', help: 'return periods per year for Sharpe/Sortino', defaultHelp: "the calendar's (365 days around the clock, 252 for weekdays) × bars per day" },
  'close-at-end': { type: 'boolean', default: false, help: 'close open positions at the last close (fee and slippage apply) and count them as trades; otherwise they stay open, marked to market' },
  param: { type: 'string', multiple: true, value: 'NAME=VALUE', help: 'strategy parameter' },
  'risk-profile': { type: 'string', value: 'standard|unlimited|account[:ID]|FILE.json', help: 'pre-trade risk limits of the run: a built-in profile, the risk profile of an account in --data-dir\'s settings (the selected one without ID; what its new books start with), or a profile file', defaultHelp: 'none: no limits beyond the config' },
  json: { type: 'boolean', default: false, help: 'print the result as JSON on stdout' },
  'allow-bad-rows': { type: 'boolean', default: false, help: 'leave out CSV rows that fail the import checks (NaN, Infinity, negative prices, high < low) instead of refusing the file' },
} as const satisfies OptionSpecs;

export interface CommonValues {
  strategy?: string; symbol?: string; timeframe?: string; from?: string; to?: string; data?: string; source?: string; 'data-dir'?: string; demo?: string;
  fee?: string; 'maker-fee'?: string; slippage?: string; latency?: string; seed?: string; cash?: string; currency?: string; tick?: string; lot?: string;
  calendar?: string; 'periods-per-year'?: string; 'close-at-end'?: boolean; param?: string[]; json?: boolean; 'risk-profile'?: string; 'allow-bad-rows'?: boolean;
}

export function parseTime(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(n)) throw new UsageError(`--${what} must be epoch ms or an ISO date, got ${s}`);
  return n;
}

function decimalArg(s: string | undefined, what: string): string | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(s)) throw new UsageError(`--${what} must be a plain decimal like 0.001, got ${s}`);
  return s;
}

function numberArg(s: string | undefined, what: string): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${what} must be a non-negative number, got ${s}`);
  return n;
}

export interface StrategyFile {
  readonly kind: 'rules' | 'code';
  readonly source: string;
  readonly fileName: string;
}

export function readStrategy(path: string | undefined): StrategyFile {
  if (!path) throw new UsageError('--strategy FILE is required (.json rules document, or .ts/.js code strategy)');
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ValidationError(`cannot read ${path}: ${(e as Error).message}`, [{ path: 'strategy', message: 'unreadable' }]);
  }
  if (/\.json$/i.test(path)) return { kind: 'rules', source, fileName: basename(path) };
  if (/\.[cm]?[jt]s$/i.test(path)) return { kind: 'code', source, fileName: basename(path) };
  throw new UsageError(`--strategy must be a .json, .ts or .js file, got ${path}`);
}

export function parseParams(list: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of list ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(-?\d+(\.\d+)?)$/.exec(p);
    if (!m) throw new UsageError(`--param must be name=number, got ${p}`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** A default the run assumed because its flag was not given: printed at the top of the run. */
export interface Assumed {
  readonly flag: string;
  readonly value: string;
  readonly why?: string;
}

const UNITS: readonly (readonly [string, number])[] = [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];

/** `ms` as a timeframe (the largest unit that divides it), e.g. 86 400 000 → 1d. */
export function timeframeOf(ms: number): string | undefined {
  for (const [u, k] of UNITS) if (ms >= k && ms % k === 0) return `${ms / k}${u}`;
  return undefined;
}

/**
 * The timeframe of the run: --timeframe when it agrees with the data, else the data's spacing. A flag the
 * data contradicts is refused (a 1m timeframe on daily bars made every ratio nonsense).
 */
export function resolveTimeframe(given: string | undefined, ts: Float64Array, assumed: Assumed[]): string {
  const spacing = dataSpacing(ts);
  const inferred = spacing === undefined ? undefined : timeframeOf(spacing);
  if (given !== undefined) {
    const ms = timeframeToMs(given);
    if (spacing !== undefined && ms !== spacing) {
      throw new UsageError(`--timeframe ${given} does not match the data: its bars are ${inferred ?? `${spacing} ms`} apart (the most common spacing); leave --timeframe out to use ${inferred ?? 'it'}`);
    }
    return given;
  }
  if (!inferred) throw new UsageError(spacing === undefined ? '--timeframe is needed: the data has fewer than two bars to infer it from' : `--timeframe is needed: the data's spacing (${spacing} ms) is not a whole number of seconds`);
  assumed.push({ flag: 'timeframe', value: inferred, why: "the data's spacing" });
  return inferred;
}

/** --calendar: 24/7, weekdays, or a calendar document read from a .json file (validated by TradingCalendar). */
export function calendarArg(s: string | undefined): unknown {
  if (s === undefined || s === '24/7' || s === 'weekdays') return s;
  if (!/\.json$/i.test(s)) throw new UsageError(`--calendar must be 24/7, weekdays or a calendar file (.json), got ${s}`);
  let text: string;
  try {
    text = readFileSync(s, 'utf8');
  } catch (e) {
    throw new ValidationError(`cannot read ${s}: ${(e as Error).message}`, [{ path: 'calendar', message: 'unreadable' }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError(`${s} is not JSON: ${(e as Error).message}`, [{ path: 'calendar', message: 'not JSON' }]);
  }
}

/**
 * --risk-profile: a built-in name (standard = the issue's defaults, unlimited = every limit off) or a JSON file
 * holding one profile. Validated by the core schema with the rest of the config.
 */
async function riskProfileArg(arg: string, dataDir: string | undefined): Promise<unknown> {
  if (arg === 'standard') return STANDARD_PROFILE;
  if (arg === 'unlimited') return UNLIMITED_PROFILE;
  if (arg === 'account' || arg.startsWith('account:')) {
    // Loaded here only: the settings bring the contract schemas and Kestrel Sim's defaults (≈100 modules, ws).
    const { settingsAccountProfile } = await import('../../host/settings/account-risk.ts');
    return settingsAccountProfile(dataDir ?? defaultDataDir(), arg.slice('account:'.length) || undefined);
  }
  if (!/\.json$/i.test(arg)) throw new UsageError(`--risk-profile must be standard, unlimited, account[:ID] or a .json file, got ${arg}`);
  try {
    return JSON.parse(readFileSync(arg, 'utf8')) as unknown;
  } catch (e) {
    throw new ValidationError(`cannot read risk profile ${arg}: ${(e as Error).message}`, [{ path: 'riskProfile', message: 'unreadable or not JSON' }]);
  }
}

/**
 * The backtest config from the flags (validated again by the core schema, with path-named errors), and the
 * defaults it assumed. `timeframe`: from resolveTimeframe.
 */
export async function configFrom(v: CommonValues, timeframe: string, assumed: Assumed[] = []): Promise<Record<string, unknown>> {
  if (!v.symbol) throw new UsageError('--symbol is required');
  const fee = decimalArg(v.fee, 'fee');
  const maker = decimalArg(v['maker-fee'], 'maker-fee') ?? fee;
  const slip = numberArg(v.slippage, 'slippage');
  const [b, q] = v.symbol.split(/[/-]/);
  const currency = v.currency ?? q;
  if (!currency) throw new UsageError(`--currency is required: ${v.symbol} names no quote currency (write the symbol as BASE/QUOTE, e.g. ${v.symbol}/USD, or give --currency)`);
  const calendar = calendarArg(v.calendar);
  const ppy = numberArg(v['periods-per-year'], 'periods-per-year');
  const assume = (flag: string, given: unknown, value: string, why?: string): void => {
    if (given === undefined) assumed.push({ flag, value, ...(why ? { why } : {}) });
  };
  assume('currency', v.currency, currency, "the symbol's quote");
  assume('cash', v.cash, '10000');
  assume('fee', v.fee ?? v['maker-fee'], '0', 'no trading costs');
  assume('slippage', v.slippage, '0 bps');
  assume('latency', v.latency, '0 ms');
  assume('seed', v.seed, '1');
  assume('tick', v.tick, '0.01');
  assume('lot', v.lot, '0.0001', 'fractional quantities; --lot 1 for whole shares');
  assume('calendar', v.calendar, '24/7', 'every bar expected, 365 trading days a year');
  assume('risk-profile', v['risk-profile'], 'none', 'no pre-trade limits');
  if (!v['close-at-end']) assumed.push({ flag: 'close-at-end', value: 'off', why: 'positions open at the end stay open, marked to market, not in trade statistics' });
  return {
    symbols: [v.symbol],
    timeframe,
    ...(parseTime(v.from, 'from') !== undefined ? { from: parseTime(v.from, 'from') } : {}),
    ...(parseTime(v.to, 'to') !== undefined ? { to: parseTime(v.to, 'to') } : {}),
    currency,
    ...(v.cash ? { initialCash: decimalArg(v.cash, 'cash') } : {}),
    ...(fee || maker ? { fees: { taker: fee ?? '0', maker: maker ?? '0' } } : {}),
    ...(slip ? { slippage: { kind: 'fixed-bps', bps: slip } } : {}),
    ...(v.latency ? { latencyMs: Math.round(numberArg(v.latency, 'latency')!) } : {}),
    ...(v.seed ? { seed: Math.round(numberArg(v.seed, 'seed')!) } : {}),
    ...(calendar !== undefined ? { calendar } : {}),
    ...(ppy ? { periodsPerYear: ppy } : {}),
    ...(v['close-at-end'] ? { closeAtEnd: true } : {}),
    ...(v['risk-profile'] ? { riskProfile: await riskProfileArg(v['risk-profile'], v['data-dir']) } : {}),
    instruments: { [v.symbol]: { tickSize: decimalArg(v.tick, 'tick') ?? '0.01', lotSize: decimalArg(v.lot, 'lot') ?? '0.0001', ...(b ? { base: b } : {}), ...(q ? { quote: q } : {}) } },
  };
}

/** The assumed defaults as one line, for the top of a run's output. */
export function assumedLine(assumed: readonly Assumed[]): string {
  return `assumed (flag not given): ${assumed.map((a) => `--${a.flag} ${a.value}${a.why ? ` (${a.why})` : ''}`).join(', ')}`;
}

/**
 * Candles from --data CSV, --demo DAYS (seeded generator) or the local market database, and the timeframe of
 * the run (resolveTimeframe; stored data: --timeframe or the one timeframe stored for the symbol). `shared`: a
 * CSV's columns in SharedArrayBuffers (another thread reads them).
 */
export async function loadCandles(v: CommonValues, assumed: Assumed[] = [], opts: { readonly shared?: boolean } = {}): Promise<{ columns: OhlcvColumns; source: string; timeframe: string }> {
  const symbol = v.symbol!;
  if (!symbol) throw new UsageError('--symbol is required');
  if (v.data) {
    // The same row checks as `kestrel import` (the timeframe grid aside: the data's own spacing is checked by the
    // backtest's quality certificate). What was detected goes to stderr, so --json output stays clean.
    process.stderr.write(`${basename(v.data)}: reading…\n`);
    const file = readCandlesCsvFile(v.data, opts.shared ? { shared: true } : {});
    trace('csv parsed');
    const checked = checkRows(file, 0, v['allow-bad-rows'] ?? false);
    trace('rows checked');
    process.stderr.write(`${basename(v.data)}: ${describeDetected(file.detected)}${checked.note ? `; ${checked.note}` : ''}\n`);
    return { columns: checked.columns, source: basename(v.data), timeframe: resolveTimeframe(v.timeframe, checked.columns.ts, assumed) };
  }
  if (v.demo !== undefined) {
    const days = numberArg(v.demo, 'demo') || 30;
    const cols = generateDemoCandles({ days, symbols: [{ symbol, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(symbol)!;
    return { columns: cols, source: `demo generator (${days} days, synthetic)`, timeframe: resolveTimeframe(v.timeframe, cols.ts, assumed) };
  }
  // Loaded here only: the market service brings the venue layer (ccxt), which a CSV or demo run never needs.
  const { MarketService } = await import('../../host/data/market-service.ts');
  const svc = MarketService.open(join(v['data-dir'] ?? defaultDataDir(), 'market.db'));
  try {
    const source = v.source ?? 'demo';
    let timeframe = v.timeframe;
    if (timeframe === undefined) {
      const stored = [...new Set(svc.datasets().filter((d) => d.source === source && d.symbol === symbol).map((d) => d.timeframe))];
      if (stored.length !== 1) throw new UsageError(stored.length ? `--timeframe is needed: ${source} ${symbol} is stored at ${stored.join(', ')}` : `no stored candles for ${source} ${symbol} (kestrel import / backfill, or --data FILE.csv)`);
      timeframe = stored[0]!;
      assumed.push({ flag: 'timeframe', value: timeframe, why: 'the one stored' });
    }
    const from = parseTime(v.from, 'from');
    const to = parseTime(v.to, 'to');
    const r = svc.candles({ source, symbol, timeframe, ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to: to + 1 } : {}) });
    return { columns: r.columns, source: `${source} ${symbol} ${timeframe}`, timeframe };
  } finally {
    await svc.close();
  }
}
