/**
 * Indicator alerts: a condition written in the rules DSL's condition syntax (main/core/strategy/dsl.ts —
 * `{ "op": "lt", "a": "rsi", "b": 30 }` over indicators declared as a rules document declares them,
 * `{ "rsi": { "name": "rsi", "params": { "period": 14 } } }`), tested on each closed bar of one
 * (symbol, timeframe). Validation is the DSL's own (parseRules on a one-rule document), and so is the
 * evaluator (compileCondition) and the indicator series (SeriesSet, streaming kernels): an alert and a
 * strategy read "rsi crosses below 30" on the same bar.
 */
import { ValidationError, type ErrorIssue } from '../errors.ts';
import { timeframeMs } from '../data/candles.ts';
import type { CandleColumns } from '../model/index.ts';
import { compileCondition, conditionRefs, type Test } from '../strategy/condition.ts';
import { parseRules, RULES_KIND, RULES_VERSION, type Condition, type RulesStrategy } from '../strategy/dsl.ts';
import { SeriesSet, type Column } from '../strategy/series.ts';
import type { Hit } from './conditions.ts';

export interface IndicatorAlertInput {
  readonly symbol: string;
  readonly timeframe: string;
  /** Indicator declarations, as a rules document's `indicators`. */
  readonly indicators: unknown;
  /** The condition, as a rules document's entry condition. */
  readonly when?: unknown;
}

export interface IndicatorAlertSpec {
  readonly symbol: string;
  readonly timeframe: string;
  readonly intervalMs: number;
  readonly indicators: RulesStrategy['indicators'];
  readonly when: Condition;
}

export interface ClosedBar {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/**
 * Validates through the DSL (schema, references, indicator names and parameters); a ValidationError's
 * issue paths name the alert's fields (`when.b`, `indicators.rsi.params.period`, `timeframe`).
 */
export function parseIndicatorAlert(input: IndicatorAlertInput): IndicatorAlertSpec {
  const intervalMs = timeframeMs(input.timeframe);
  let doc: RulesStrategy;
  try {
    doc = parseRules({ kind: RULES_KIND, version: RULES_VERSION, name: 'alert', indicators: input.indicators ?? {}, entry: { long: input.when }, sizing: { mode: 'fixed', qty: 1 } });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    fail(e.issues.map((i) => ({ path: i.path.replace(/^entry\.long\b/, 'when').replace(/^entry$/, 'when'), message: i.message })));
  }
  const spec: IndicatorAlertSpec = { symbol: input.symbol, timeframe: input.timeframe, intervalMs, indicators: doc.indicators, when: doc.entry.long! };
  // Unknown indicator names and bad parameters are found when the series are declared.
  new IndicatorWatch(spec);
  return spec;
}

function fail(issues: ErrorIssue[]): never {
  throw new ValidationError(`invalid indicator condition: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
}

const PRICE = ['open', 'high', 'low', 'close', 'volume'] as const;

/** One alert's bars and series: fed closed bars in time order, it says whether the condition holds at each. */
export class IndicatorWatch {
  readonly spec: IndicatorAlertSpec;
  private readonly series = new SeriesSet();
  private readonly price: Record<(typeof PRICE)[number], Column>;
  private readonly cols = new Map<string, Column>();
  private readonly test: Test;
  private readonly refs: readonly string[];
  private tsCol: Float64Array<ArrayBuffer> = new Float64Array(64);
  private n = 0;

  constructor(spec: IndicatorAlertSpec) {
    this.spec = spec;
    this.price = { open: { a: new Float64Array(64) }, high: { a: new Float64Array(64) }, low: { a: new Float64Array(64) }, close: { a: new Float64Array(64) }, volume: { a: new Float64Array(64) } };
    for (const [id, ind] of Object.entries(spec.indicators)) {
      let outs: Map<string, Column>;
      try {
        outs = this.series.add({ name: ind.name, params: ind.params });
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        // The registry names a parameter `<indicator>.<param>` and an unknown indicator `name`.
        const where = (path: string) => (path === 'name' ? 'name' : path.includes('.') ? `params.${path.slice(path.indexOf('.') + 1)}` : 'params');
        fail((e.issues.length ? e.issues : [{ path: 'name', message: e.message }]).map((i) => ({ path: `indicators.${id}.${where(i.path)}`, message: i.message })));
      }
      this.cols.set(id, [...outs.values()][0]!);
      for (const [o, c] of outs) this.cols.set(`${id}.${o}`, c);
    }
    this.test = compileCondition(spec.when, (ref) => this.column(ref));
    this.refs = [...conditionRefs(spec.when)];
  }

  /** Bars fed so far. */
  get bars(): number {
    return this.n;
  }

  /** Time of the last bar fed (NaN before the first). */
  get lastTs(): number {
    return this.n ? this.tsCol[this.n - 1]! : NaN;
  }

  /** History before the alert watches (warms the indicators up; nothing fires for it). */
  seed(bars: readonly ClosedBar[]): void {
    for (const b of bars) if (!(b.ts <= this.lastTs)) this.append(b);
    if (this.n) this.series.update(this.columns(), this.n - 1);
  }

  /** A closed bar; a hit when the condition holds at it. A bar not after the last one is ignored (history overlapping the stream). */
  bar(b: ClosedBar): Hit | null {
    if (b.ts <= this.lastTs) return null;
    this.append(b);
    const i = this.n - 1;
    this.series.update(this.columns(), i);
    if (!this.test(i)) return null;
    const values: Record<string, number | null> = {};
    for (const r of this.refs) {
      const v = this.column(r).a[i];
      values[r] = v === undefined || Number.isNaN(v) ? null : v;
    }
    const s = this.spec;
    const shown = Object.entries(values).map(([k, v]) => `${k} ${v === null ? '–' : round(v)}`).join(', ');
    return {
      message: `${s.symbol} ${s.timeframe}: ${describeCondition(s.when)} on the bar of ${new Date(b.ts).toISOString().slice(0, 16).replace('T', ' ')} UTC (${shown})`,
      detail: { symbol: s.symbol, timeframe: s.timeframe, barTs: b.ts, close: b.close, condition: s.when, values },
    };
  }

  private column(ref: string): Column {
    const p = this.price[ref as (typeof PRICE)[number]];
    if (p) return p;
    const c = this.cols.get(ref);
    if (!c) fail([{ path: 'when', message: `unknown series "${ref}"` }]);
    return c;
  }

  private append(b: ClosedBar): void {
    if (this.n === this.tsCol.length) {
      this.tsCol = grow(this.tsCol);
      for (const k of PRICE) this.price[k].a = grow(this.price[k].a);
    }
    this.tsCol[this.n] = b.ts;
    for (const k of PRICE) this.price[k].a[this.n] = b[k];
    this.n++;
  }

  private columns(): CandleColumns {
    const p = this.price;
    return { ts: this.tsCol, open: p.open.a, high: p.high.a, low: p.low.a, close: p.close.a, volume: p.volume.a, length: this.n, intervalMs: this.spec.intervalMs };
  }
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const g = new Float64Array(a.length * 2);
  g.set(a);
  return g;
}

function round(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(2) : Number(v.toPrecision(6)).toString();
}

const SYMBOL: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** The condition as a trader reads it: `rsi < 30`, `fast crosses above slow`, `… and …`. */
export function describeCondition(c: Condition): string {
  const op = (o: unknown): string => (typeof o === 'object' && o !== null ? `${(o as { ref: string }).ref}[${(o as { ago: number }).ago} ago]` : String(o));
  switch (c.op) {
    case 'gt': case 'gte': case 'lt': case 'lte':
      return `${op(c.a)} ${SYMBOL[c.op]} ${op(c.b)}`;
    case 'crossesAbove':
      return `${op(c.a)} crosses above ${op(c.b)}`;
    case 'crossesBelow':
      return `${op(c.a)} crosses below ${op(c.b)}`;
    case 'all':
      return c.of.map((x) => (x.op === 'any' ? `(${describeCondition(x)})` : describeCondition(x))).join(' and ');
    case 'any':
      return c.of.map(describeCondition).join(' or ');
    case 'not':
      return `not (${describeCondition(c.of)})`;
    case 'for':
      return `(${describeCondition(c.of)}) for ${c.bars} bars`;
  }
}

/**
 * Closed bars of a timeframe from closed 1m bars: a bucket is closed when its last minute closes, or when a
 * later minute arrives (the stream skipped some; time has passed the bucket either way).
 */
export class BarAggregator {
  private readonly tfMs: number;
  private cur: { ts: number; open: number; high: number; low: number; close: number; volume: number } | undefined;
  private closedTs = -Infinity;
  private lastMinute = -Infinity;

  constructor(tfMs: number) {
    this.tfMs = tfMs;
  }

  /** A closed 1m bar in; the timeframe bars it closes out (0, 1 or 2). */
  minute(b: ClosedBar): ClosedBar[] {
    const out: ClosedBar[] = [];
    const bucket = b.ts - (b.ts % this.tfMs);
    // A minute already counted (history and stream overlap), or of a bucket already closed out.
    if (b.ts <= this.lastMinute || bucket <= this.closedTs) return out;
    this.lastMinute = b.ts;
    if (this.cur && bucket > this.cur.ts) out.push(this.close());
    if (!this.cur) this.cur = { ts: bucket, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
    else {
      this.cur.high = Math.max(this.cur.high, b.high);
      this.cur.low = Math.min(this.cur.low, b.low);
      this.cur.close = b.close;
      this.cur.volume += b.volume;
    }
    if (b.ts + 60_000 >= bucket + this.tfMs) out.push(this.close());
    return out;
  }

  private close(): ClosedBar {
    const c = this.cur!;
    this.cur = undefined;
    this.closedTs = c.ts;
    return c;
  }
}
