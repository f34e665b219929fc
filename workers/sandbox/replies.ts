/**
 * What a sandbox process sends back is hostile input: the strategy it ran may have taken the process over.
 * Each reply is checked for shape and bounds before the host uses it; what the host already knows (the
 * strategy's identity, the config, the data certificates) is never taken from a reply.
 */
import { z } from 'zod';
import type { BacktestResult } from '../../main/core/backtest/result.ts';
import type { Fill } from '../../main/core/model/index.ts';
import type { AuditEvent } from '../../main/core/ports.ts';
import { drawdown } from '../../main/core/backtest/metrics.ts';

const f64 = z.instanceof(Float64Array);
const finite = z.number().finite();
const text = z.string().max(10_000);

const FillSchema = z.object({
  venue: text, tradeId: text, clientOrderId: text, symbol: text, side: z.enum(['buy', 'sell']),
  qty: finite, price: finite, fee: z.bigint(), feeCurrency: text, liquidity: z.enum(['maker', 'taker']), ts: finite, venueTs: finite.optional(),
}).strict();

const Progress = z.object({
  type: z.literal('progress'), bar: z.number().int().min(0),
  from: z.number().int().min(0).optional(), equity: f64.optional(), fills: z.array(FillSchema).max(1_000_000).optional(), final: z.literal(true).optional(),
}).strict();

const Event = z.object({
  type: text, ts: finite, seq: finite.optional(), venueTs: finite.optional(), strategyVersion: text.optional(), symbol: text.optional(),
  session: text.optional(), payload: z.record(z.unknown()),
}).passthrough();

/**
 * A plain object (what the result's trade records are), checked without copying it as z.record would (39k
 * trades took ~0.1 s): one with an own `__proto__` key is refused rather than stripped.
 */
const record = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && !Object.hasOwn(v, '__proto__'), 'expected a plain object');

const Result = z.object({
  status: z.enum(['ok', 'error', 'cancelled']),
  error: z.object({ code: text, message: text, bar: finite.optional(), ts: finite.optional() }).strict().optional(),
  // The time axis and the drawdown curve do not cross: checkDone derives them (backtest-job.ts, DoneMessage).
  equity: z.object({ from: z.number().int().min(0), value: f64 }).strict(),
  stats: z.record(z.unknown()), trades: z.array(record), openPositions: z.array(record),
  counts: z.object({ fills: finite, orders: finite }).strict(), determinismHash: text,
}).passthrough();

const Done = z.object({ type: z.literal('done'), result: Result, events: z.array(Event).max(5_000_000).optional() }).strict();

/** The first problem of a reply that failed its check, short enough for a run's error line. */
export function replyProblem(e: unknown): string {
  if (e instanceof z.ZodError) {
    const i = e.issues[0];
    return i ? `${i.path.join('.')}: ${i.message}`.slice(0, 300) : 'invalid';
  }
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

export function checkProgress(raw: unknown, bars: number, got: number): { bar: number; from: number; final: boolean; equity?: Float64Array; fills: Fill[] } {
  const p = Progress.parse(raw);
  if (p.bar >= Math.max(1, bars)) throw new Error(`bar ${p.bar} beyond the data`);
  const final = p.final === true;
  if (p.equity === undefined) return { bar: p.bar, from: got, final, fills: [] };
  if (p.from !== got || p.from + p.equity.length > bars) throw new Error('progress out of order');
  return { bar: p.bar, from: p.from, final, equity: p.equity, fills: (p.fills ?? []) as Fill[] };
}

/**
 * A finished run. `known` replaces what the reply could lie about and the host knows itself. The equity
 * curve is the `got` values the checkpoints brought (`streamed`) up to the reply's `from`, then the reply's
 * values; `closeTimes`: the close time of every bar of the run (backtester.ts closeTimesOf), of which the
 * curve covers the first (all unless the run stopped). The drawdown curve is computed here as the kernel does.
 */
export function checkDone(raw: unknown, known: Pick<BacktestResult, 'strategy' | 'config' | 'certificate' | 'schema'>, streamed: { equity: Float64Array; got: number }, closeTimes: Float64Array, sessionId: string | undefined): { result: BacktestResult; events: AuditEvent[] | null } {
  const d = Done.parse(raw);
  const { from, value: rest } = d.result.equity;
  if (from !== 0 && from !== streamed.got) throw new Error('equity curve out of order');
  const n = from + rest.length;
  if (n > closeTimes.length) throw new Error('an equity curve longer than the data');
  let value: Float64Array = rest;
  if (from > 0) {
    value = streamed.equity.length === n ? streamed.equity : new Float64Array(n);
    if (value !== streamed.equity) value.set(streamed.equity.subarray(0, from));
    value.set(rest, from);
  }
  const ts = n === closeTimes.length ? closeTimes : closeTimes.slice(0, n);
  const result = { ...(d.result as unknown as BacktestResult), ...known, equity: { ts, value, drawdown: drawdown(value, true, ts).curve } };
  if (!d.events) return { result, events: null };
  if (sessionId === undefined) throw new Error('audit events from a run that was not recorded');
  // A recorded run writes its own session only.
  if (d.events.some((e) => e.session !== sessionId)) throw new Error('audit events of another session');
  return { result, events: d.events as AuditEvent[] };
}
