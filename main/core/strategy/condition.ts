/**
 * The rules DSL's condition evaluator: a validated condition tree becomes a test of bar index i over
 * columns the caller keeps filled (a strategy's bars and indicator series, an indicator alert's). One
 * evaluator for strategies and alerts, so "crossesAbove" means the same bar in a backtest and an alert.
 */
import type { Condition, Operand } from './dsl.ts';
import type { Column } from './series.ts';

export type Test = (i: number) => boolean;
type Get = (i: number) => number;

/** `column` maps a series reference ("close", "fast", "bb.upper") to its column; it throws for an unknown one. */
export function compileCondition(c: Condition, column: (ref: string) => Column): Test {
  const operand = (o: Operand): Get => {
    if (typeof o === 'number') return () => o;
    const ref = typeof o === 'string' ? o : o.ref;
    const ago = typeof o === 'string' ? 0 : o.ago;
    const col = column(ref);
    // Out-of-range reads (before the first bar) are undefined → NaN, so every comparison is false.
    return ago === 0 ? (i) => col.a[i] ?? NaN : (i) => col.a[i - ago] ?? NaN;
  };
  const cond = (c: Condition): Test => {
    switch (c.op) {
      case 'gt': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) > b(i); }
      case 'gte': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) >= b(i); }
      case 'lt': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) < b(i); }
      case 'lte': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) <= b(i); }
      case 'crossesAbove': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) > b(i) && a(i - 1) <= b(i - 1); }
      case 'crossesBelow': { const a = operand(c.a), b = operand(c.b); return (i) => a(i) < b(i) && a(i - 1) >= b(i - 1); }
      case 'all': { const fs = c.of.map(cond); return (i) => fs.every((f) => f(i)); }
      case 'any': { const fs = c.of.map(cond); return (i) => fs.some((f) => f(i)); }
      case 'not': { const f = cond(c.of); return (i) => !f(i); }
      case 'for': {
        const f = cond(c.of);
        const n = c.bars;
        return (i) => {
          if (i - n + 1 < 0) return false;
          for (let k = i - n + 1; k <= i; k++) if (!f(k)) return false;
          return true;
        };
      }
    }
  };
  return cond(c);
}

/** The series a condition reads (for saying what fired: their values at the bar). */
export function conditionRefs(c: Condition, out = new Set<string>()): Set<string> {
  switch (c.op) {
    case 'all':
    case 'any':
      for (const x of c.of) conditionRefs(x, out);
      return out;
    case 'not':
    case 'for':
      return conditionRefs(c.of, out);
    default:
      for (const o of [c.a, c.b]) {
        if (typeof o === 'string') out.add(o);
        else if (typeof o === 'object') out.add(o.ref);
      }
      return out;
  }
}
