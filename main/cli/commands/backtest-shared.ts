/** Argument handling shared by `kestrel backtest` and `kestrel sweep`: strategy file, data, config flags. */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseCandlesCsv } from '../../core/data/csv.ts';
import { generateDemoCandles } from '../../core/data/demo.ts';
import type { OhlcvColumns } from '../../core/data/candles.ts';
import { ValidationError } from '../../core/errors.ts';
import { STANDARD_PROFILE, UNLIMITED_PROFILE } from '../../core/risk/profile.ts';
import { MarketService } from '../../host/data/market-service.ts';
import { defaultDataDir } from '../../host/paths.ts';
import { UsageError } from '../command.ts';

export const COMMON_OPTIONS = {
  strategy: { type: 'string', short: 's' },
  symbol: { type: 'string' },
  timeframe: { type: 'string', short: 't', default: '1m' },
  from: { type: 'string' },
  to: { type: 'string' },
  data: { type: 'string' },
  source: { type: 'string', default: 'demo' },
  'data-dir': { type: 'string' },
  demo: { type: 'string' },
  fee: { type: 'string' },
  'maker-fee': { type: 'string' },
  slippage: { type: 'string' },
  latency: { type: 'string' },
  seed: { type: 'string' },
  cash: { type: 'string' },
  currency: { type: 'string' },
  tick: { type: 'string' },
  lot: { type: 'string' },
  param: { type: 'string', multiple: true },
  'risk-profile': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

export interface CommonValues {
  strategy?: string; symbol?: string; timeframe?: string; from?: string; to?: string; data?: string; source?: string; 'data-dir'?: string; demo?: string;
  fee?: string; 'maker-fee'?: string; slippage?: string; latency?: string; seed?: string; cash?: string; currency?: string; tick?: string; lot?: string;
  param?: string[]; json?: boolean; 'risk-profile'?: string;
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

/**
 * --risk-profile: a built-in name (standard = the defaults, unlimited = every limit off) or a JSON file
 * holding one profile. Validated by the core schema with the rest of the config.
 */
function riskProfileArg(arg: string): unknown {
  if (arg === 'standard') return STANDARD_PROFILE;
  if (arg === 'unlimited') return UNLIMITED_PROFILE;
  if (!/\.json$/i.test(arg)) throw new UsageError(`--risk-profile must be standard, unlimited or a .json file, got ${arg}`);
  try {
    return JSON.parse(readFileSync(arg, 'utf8')) as unknown;
  } catch (e) {
    throw new ValidationError(`cannot read risk profile ${arg}: ${(e as Error).message}`, [{ path: 'riskProfile', message: 'unreadable or not JSON' }]);
  }
}

/** The backtest config from the flags (validated again by the core schema, with path-named errors). */
export function configFrom(v: CommonValues): Record<string, unknown> {
  if (!v.symbol) throw new UsageError('--symbol is required');
  const fee = decimalArg(v.fee, 'fee');
  const maker = decimalArg(v['maker-fee'], 'maker-fee') ?? fee;
  const slip = numberArg(v.slippage, 'slippage');
  const [b, q] = v.symbol.split(/[/-]/);
  return {
    symbols: [v.symbol],
    timeframe: v.timeframe ?? '1m',
    ...(parseTime(v.from, 'from') !== undefined ? { from: parseTime(v.from, 'from') } : {}),
    ...(parseTime(v.to, 'to') !== undefined ? { to: parseTime(v.to, 'to') } : {}),
    currency: v.currency ?? q ?? 'USDT',
    ...(v.cash ? { initialCash: decimalArg(v.cash, 'cash') } : {}),
    ...(fee || maker ? { fees: { taker: fee ?? '0', maker: maker ?? '0' } } : {}),
    ...(slip ? { slippage: { kind: 'fixed-bps', bps: slip } } : {}),
    ...(v.latency ? { latencyMs: Math.round(numberArg(v.latency, 'latency')!) } : {}),
    ...(v.seed ? { seed: Math.round(numberArg(v.seed, 'seed')!) } : {}),
    ...(v['risk-profile'] ? { riskProfile: riskProfileArg(v['risk-profile']) } : {}),
    instruments: { [v.symbol]: { tickSize: decimalArg(v.tick, 'tick') ?? '0.01', lotSize: decimalArg(v.lot, 'lot') ?? '0.0001', ...(b ? { base: b } : {}), ...(q ? { quote: q } : {}) } },
  };
}

/** Candles from --data CSV, --demo DAYS (seeded generator) or the local market database. */
export async function loadCandles(v: CommonValues): Promise<{ columns: OhlcvColumns; source: string }> {
  const symbol = v.symbol!;
  if (v.data) {
    let text: string;
    try {
      text = readFileSync(v.data, 'utf8');
    } catch (e) {
      throw new ValidationError(`cannot read ${v.data}: ${(e as Error).message}`, [{ path: 'data', message: 'unreadable' }]);
    }
    return { columns: parseCandlesCsv(text).columns, source: basename(v.data) };
  }
  if (v.demo !== undefined) {
    const days = numberArg(v.demo, 'demo') || 30;
    const cols = generateDemoCandles({ days, symbols: [{ symbol, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] }).get(symbol)!;
    return { columns: cols, source: `demo generator (${days} days, synthetic)` };
  }
  const svc = MarketService.open(join(v['data-dir'] ?? defaultDataDir(), 'market.db'));
  try {
    const from = parseTime(v.from, 'from');
    const to = parseTime(v.to, 'to');
    const r = svc.candles({ source: v.source ?? 'demo', symbol, timeframe: v.timeframe ?? '1m', ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to: to + 1 } : {}) });
    return { columns: r.columns, source: `${v.source ?? 'demo'} ${symbol} ${v.timeframe ?? '1m'}` };
  } finally {
    await svc.close();
  }
}
