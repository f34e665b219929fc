import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/core/errors.ts';
import { parseRules } from '../../../main/core/strategy/dsl.ts';
import { TEMPLATES } from '../../../main/core/strategy/templates.ts';

const base = {
  kind: 'kestrel.rules', version: 1, name: 't',
  params: { p: 14 },
  indicators: { rsi: { name: 'rsi', params: { period: '$p' } } },
  entry: { long: { op: 'lt', a: 'rsi', b: 30 } },
  sizing: { mode: 'fixed', qty: 1 },
};

function issues(doc: unknown, overrides?: Record<string, number>): { path: string; message: string }[] {
  try {
    parseRules(doc, overrides);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return [...(e as ValidationError).issues];
  }
  throw new Error('expected a validation error');
}

describe('rules DSL', () => {
  it('accepts every template and substitutes parameters', () => {
    for (const t of TEMPLATES) expect(() => parseRules(t.doc)).not.toThrow();
    const s = parseRules(base, { p: 21 });
    expect(s.indicators.rsi!.params.period).toBe(21);
  });

  it('names the offending path of a bad nested condition', () => {
    const doc = { ...base, entry: { long: { op: 'all', of: [{ op: 'gt', a: 'rsi', b: 1 }, { op: 'crossesAbove', a: 'rsi' }] } } };
    expect(issues(doc).map((i) => i.path)).toContain('entry.long.of.1.b');
  });

  it('refuses look-ahead: a negative "ago" is invalid at its path', () => {
    const doc = { ...base, entry: { long: { op: 'gt', a: 'close', b: { ref: 'rsi', ago: -1 } } } };
    expect(issues(doc).map((i) => i.path)).toContain('entry.long.b.ago');
  });

  it('reports unknown series, parameters and overrides by path', () => {
    expect(issues({ ...base, entry: { long: { op: 'gt', a: 'rsii', b: 1 } } })).toEqual([expect.objectContaining({ path: 'entry.long.a' })]);
    expect(issues({ ...base, indicators: { rsi: { name: 'rsi', params: { period: '$nope' } } } })).toEqual([expect.objectContaining({ path: 'indicators.rsi.params.period' })]);
    expect(issues(base, { q: 3 })).toEqual([expect.objectContaining({ path: 'params.q' })]);
    expect(issues({ ...base, sizing: { mode: 'risk', percent: 1, atr: 'atr', atrMult: 2 } })).toEqual([expect.objectContaining({ path: 'sizing.atr' })]);
  });

  it('refuses unknown keys, a missing entry, newer versions and non-JSON', () => {
    expect(issues({ ...base, extra: 1 })[0]!.path).toBe('');
    expect(issues({ ...base, entry: {} })[0]!.path).toBe('entry');
    expect(issues({ ...base, version: 2 })[0]!.path).toBe('version');
    expect(issues('{not json')[0]!.message).toMatch(/not JSON/);
    expect(issues({ ...base, sizing: { mode: 'fixed', qty: -1 } })[0]!.path).toBe('sizing.qty');
  });
});
