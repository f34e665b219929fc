/**
 * The rules DSL: a versioned JSON document describing a strategy without code. Validated by zod; every
 * error names the offending path (`entry.long.args.1.ref`), so an editor can point at it.
 *
 * Parameters: `params` holds named numbers; anywhere a number is expected, the string "$name" refers to one.
 * Sweeps and walk-forward override `params` and nothing else, so a swept strategy is the same document.
 *
 * Series (operands of conditions): a number, "close"/"open"/"high"/"low"/"volume", an indicator id declared
 * in `indicators` ("fast"), or one of its outputs ("bb.upper"); `{ "ref": ..., "ago": n }` reads n bars back.
 * Nothing can read forward: `ago` is a non-negative integer and values come from closed bars only.
 */
import { z } from 'zod';
import { ValidationError, type ErrorIssue } from '../errors.ts';
import { shapeProblem } from '../shape.ts';

export const RULES_KIND = 'kestrel.rules';
export const RULES_VERSION = 1;

const num = z.number().finite();
const posInt = z.number().int().positive();

const SeriesRef = z.string().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, 'an id like "fast" or "bb.upper"');
export const Operand = z.union([num, SeriesRef, z.object({ ref: SeriesRef, ago: z.number().int().min(0).max(10_000) }).strict()]);
export type Operand = z.infer<typeof Operand>;

export type Condition =
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; a: Operand; b: Operand }
  | { op: 'crossesAbove' | 'crossesBelow'; a: Operand; b: Operand }
  | { op: 'all' | 'any'; of: Condition[] }
  | { op: 'not'; of: Condition }
  /** `cond` held on each of the last `bars` closed bars (confirmation). */
  | { op: 'for'; bars: number; of: Condition };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.object({ op: z.enum(['gt', 'gte', 'lt', 'lte']), a: Operand, b: Operand }).strict(),
    z.object({ op: z.enum(['crossesAbove', 'crossesBelow']), a: Operand, b: Operand }).strict(),
    z.object({ op: z.enum(['all', 'any']), of: z.array(Condition).min(1).max(32) }).strict(),
    z.object({ op: z.literal('not'), of: Condition }).strict(),
    z.object({ op: z.literal('for'), bars: posInt.max(1000), of: Condition }).strict(),
  ]),
);

const Indicator = z.object({ name: z.string().min(1).max(32), params: z.record(z.union([num, z.string().max(32)])).default({}) }).strict();

const Sides = z.object({ long: Condition.optional(), short: Condition.optional() }).strict();

export const Sizing = z.discriminatedUnion('mode', [
  /** Quantity in base units (rounded down to the lot). */
  z.object({ mode: z.literal('fixed'), qty: num.positive() }).strict(),
  /** Position notional = percent of equity at the signal bar's close. */
  z.object({ mode: z.literal('percentEquity'), percent: num.positive().max(1000) }).strict(),
  /** Risk `percent` of equity between entry and a stop `atrMult` × ATR away (the stop is placed too). */
  z.object({ mode: z.literal('risk'), percent: num.positive().max(100), atr: SeriesRef, atrMult: num.positive() }).strict(),
]);
export type Sizing = z.infer<typeof Sizing>;

/** A distance from the entry price: percent of it, or a multiple of an ATR-like series at the signal bar. */
const Distance = z.union([z.object({ percent: num.positive().max(100) }).strict(), z.object({ atr: SeriesRef, mult: num.positive() }).strict()]);
export type Distance = z.infer<typeof Distance>;

export const Exits = z
  .object({
    stopLoss: Distance.optional(),
    takeProfit: Distance.optional(),
    trailingStop: Distance.optional(),
    /** Leave at the close of the bar `bars` bars after the entry fill (fills at the next open). */
    timeExitBars: posInt.max(1_000_000).optional(),
  })
  .strict();
export type Exits = z.infer<typeof Exits>;

export const RulesStrategy = z
  .object({
    kind: z.literal(RULES_KIND),
    version: z.literal(RULES_VERSION),
    name: z.string().min(1).max(128),
    description: z.string().max(4000).optional(),
    params: z.record(num).default({}),
    indicators: z.record(Indicator).default({}),
    entry: Sides,
    exit: Sides.default({}),
    sizing: Sizing,
    exits: Exits.default({}),
    /** Bars to wait after a position closes before a new entry. */
    cooldownBars: z.number().int().min(0).max(1_000_000).default(0),
    /** Entries per UTC day (by signal bar close time). */
    maxTradesPerDay: posInt.max(10_000).optional(),
  })
  .strict();
export type RulesStrategy = z.infer<typeof RulesStrategy>;
export type RulesStrategyInput = z.input<typeof RulesStrategy>;

function issuesOf(e: z.ZodError): ErrorIssue[] {
  return e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

function fail(issues: ErrorIssue[]): never {
  throw new ValidationError(`invalid rules strategy: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
}

/** Replaces every "$name" string with params[name] (overrides first), reporting unknown names by path. */
export function substituteParams(doc: unknown, overrides: Readonly<Record<string, number>> = {}): unknown {
  const raw = (doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>).params : undefined) ?? {};
  const params: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const issues: ErrorIssue[] = [];
  for (const [k, v] of Object.entries(overrides)) {
    if (!Object.hasOwn(params, k)) issues.push({ path: `params.${k}`, message: 'override of an undeclared parameter' });
    else if (!Number.isFinite(v)) issues.push({ path: `params.${k}`, message: 'override must be a finite number' });
    else params[k] = v;
  }
  const walk = (v: unknown, path: string[]): unknown => {
    if (typeof v === 'string' && v.startsWith('$')) {
      const name = v.slice(1);
      const p = Object.hasOwn(params, name) ? params[name] : undefined;
      if (typeof p !== 'number') {
        issues.push({ path: path.join('.'), message: `unknown parameter ${v}` });
        return v;
      }
      return p;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = path.length === 0 && k === 'params' ? params : walk(x, [...path, k]);
      return out;
    }
    return v;
  };
  const out = walk(doc, []);
  if (issues.length) fail(issues);
  return out;
}

const PRICE_SERIES = new Set(['open', 'high', 'low', 'close', 'volume']);

/** Parses and validates a rules document (JSON text or value), with parameter overrides applied. */
/** Far deeper than any real strategy (conditions nest all/any/not a few levels). */
const MAX_DOC_DEPTH = 64;

export function parseRules(input: unknown, overrides?: Readonly<Record<string, number>>): RulesStrategy {
  let doc = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      fail([{ path: '', message: `not JSON: ${(e as Error).message}` }]);
    }
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail([{ path: '', message: 'expected a JSON object' }]);
  // Before the recursive walks below (parameter substitution, the lazy condition schema) see a hostile document.
  const shape = shapeProblem(doc, MAX_DOC_DEPTH, 100_000);
  if (shape) fail([{ path: '', message: `document ${shape}` }]);
  const kind = (doc as { kind?: unknown }).kind;
  const version = (doc as { version?: unknown }).version;
  if (kind === RULES_KIND && typeof version === 'number' && version > RULES_VERSION) {
    fail([{ path: 'version', message: `version ${version} is newer than this build understands (${RULES_VERSION})` }]);
  }
  const r = RulesStrategy.safeParse(substituteParams(doc, overrides));
  if (!r.success) fail(issuesOf(r.error));
  checkReferences(r.data);
  return r.data;
}

/** Semantic checks zod cannot do: every series reference names a declared indicator (and output). */
function checkReferences(s: RulesStrategy): void {
  const issues: ErrorIssue[] = [];
  const ids = new Set(Object.keys(s.indicators));
  for (const id of ids) if (PRICE_SERIES.has(id)) issues.push({ path: `indicators.${id}`, message: 'reserved name (price series)' });
  const ref = (r: string, path: string): void => {
    const [id] = r.split('.');
    if (PRICE_SERIES.has(r)) return;
    if (!ids.has(id!)) issues.push({ path, message: `unknown series "${r}" (declare it under indicators, or use open/high/low/close/volume)` });
  };
  const operand = (o: Operand, path: string): void => {
    if (typeof o === 'string') ref(o, path);
    else if (typeof o === 'object') ref(o.ref, `${path}.ref`);
  };
  const cond = (c: Condition, path: string): void => {
    switch (c.op) {
      case 'all':
      case 'any':
        c.of.forEach((x, i) => cond(x, `${path}.of.${i}`));
        return;
      case 'not':
      case 'for':
        cond(c.of, `${path}.of`);
        return;
      default:
        operand(c.a, `${path}.a`);
        operand(c.b, `${path}.b`);
    }
  };
  for (const side of ['long', 'short'] as const) {
    if (s.entry[side]) cond(s.entry[side], `entry.${side}`);
    if (s.exit[side]) cond(s.exit[side], `exit.${side}`);
  }
  if (!s.entry.long && !s.entry.short) issues.push({ path: 'entry', message: 'needs a long or a short entry condition' });
  if (s.sizing.mode === 'risk') ref(s.sizing.atr, 'sizing.atr');
  for (const k of ['stopLoss', 'takeProfit', 'trailingStop'] as const) {
    const d = s.exits[k];
    if (d && 'atr' in d) ref(d.atr, `exits.${k}.atr`);
  }
  if (issues.length) fail(issues);
}
