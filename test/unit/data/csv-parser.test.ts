/**
 * The streaming columnar CSV parser against the string parser it replaced (kept as the bench baseline in
 * test/bench/baseline/csv-v1.ts): on generated files — every layout the old one read, then corrupted —
 * both accept with bit-identical columns or both refuse, the new one naming the line; fed in random chunks.
 * Then the layouts only the new one reads (issue 21 item 9), each read as the same candles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataQualityError, ValidationError } from '../../../main/core/errors.ts';
import { CandleCsvParser, describeDetected, parseCandlesCsv, serialiseCandlesCsv, type CsvParseOptions, type CsvParseResult } from '../../../main/core/data/csv.ts';
import { decimalFromBytes } from '../../../main/core/data/decimal-bytes.ts';
import { exactColumn } from '../../../main/core/data/csv-format.ts';
import type { OhlcvColumns } from '../../../main/core/data/candles.ts';
import { parseCandlesCsvV1 } from '../../bench/baseline/csv-v1.ts';

const RUNS = process.env.KESTREL_FULL ? 20_000 : 600;
/** The full run is long on a loaded machine: no timeout is a finding, only a counterexample is. */
const LONG = process.env.KESTREL_FULL ? 1_800_000 : 60_000;
const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
const T0 = Date.UTC(2024, 0, 1);

function sameColumns(a: OhlcvColumns, b: OhlcvColumns): boolean {
  return FIELDS.every((f) => a[f].length === b[f].length && a[f].every((x, i) => Object.is(x, b[f][i])));
}

/** Feeds the UTF-8 bytes of `text` in the given chunk sizes (cycled). */
function parseChunked(text: string, sizes: readonly number[], opts: CsvParseOptions = {}): CsvParseResult {
  const bytes = new TextEncoder().encode(text);
  const p = new CandleCsvParser(opts);
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    p.push(bytes.subarray(at, at + n));
    at += n;
  }
  return p.end();
}

/** The layouts only the new parser reads (a file the old one refused may be read when it is one of them). */
function newLayout(r: CsvParseResult): boolean {
  const d = r.detected;
  return d.indexColumn || d.timestamps === 'us' || d.timestamps === 'ns' || (d.header !== null && d.columns.some((k, c) => exactColumn(d.header![k]!) !== FIELDS[c]));
}

type Parsed = { columns: OhlcvColumns; timestamps: string; header: boolean };
type Outcome = { ok: true; r: Parsed } | { ok: false; e: unknown };
const attempt = (f: () => Parsed): Outcome => {
  try {
    return { ok: true, r: f() };
  } catch (e) {
    return { ok: false, e };
  }
};

// ── generated files in the layouts the old parser read ────────────────────────────────────────────────

const numText = fc.oneof(
  fc.double({ min: 1e-6, max: 1e7, noNaN: true }).map(String),
  fc.integer({ min: 0, max: 1e9 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 99999999 }), fc.integer({ min: 0, max: 4 })).map(([a, b, z]) => `${a}.${'0'.repeat(z)}${b}`),
  fc.constantFrom('1.', '.5', '+3', '-0', '1e3', '2.5E-4', '12345678901234567', '0.000000000000000000000001', '1e-30', '7e+2'),
);

const tsText = (fmt: 'ms' | 's' | 'iso', t: number): string =>
  fmt === 'ms' ? String(t) : fmt === 's' ? String(t / 1000) : new Date(t).toISOString().replace(t % 2 ? 'T' : '\u0000', ' ').replace(t % 3 ? '.000Z' : '\u0000', 'Z');

const junk = fc.constantFrom('1/2/24', '1/2/24', '', 'abc', 'NaN', 'Infinity', '1e', '--1', '0x10', '"5"', ' 5 ', '5\u00a0', '1.2.3', 'é', '# c', '2024-02-30', '1/2/24', '"', ' ', '\r');

const file = fc.record({
  rows: fc.array(fc.tuple(numText, numText, numText, numText, numText), { minLength: 1, maxLength: 12 }),
  fmt: fc.constantFrom('ms', 's', 'iso'),
  delim: fc.constantFrom(',', ';', '\t'),
  header: fc.constantFrom('none', 'plain', 'shuffled'),
  upper: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
  extra: fc.boolean(),
  pad: fc.constantFrom('', ' ', '  '),
  quote: fc.boolean(),
  comment: fc.boolean(),
  mutate: fc.option(fc.tuple(fc.nat(), fc.nat(), junk), { nil: undefined }),
  dropField: fc.option(fc.nat(), { nil: undefined }),
  chunks: fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }),
  tfMs: fc.constantFrom(undefined, 60_000),
  forceTs: fc.boolean(),
  forceHeader: fc.constantFrom(undefined, true, false),
});

function render(f: typeof file extends fc.Arbitrary<infer T> ? T : never): string {
  const names = ['timestamp', 'open', 'high', 'low', 'close', 'volume'];
  const order = f.header === 'shuffled' ? [4, 0, 5, 2, 1, 3] : [0, 1, 2, 3, 4, 5];
  const cell = (s: string): string => (f.quote ? `"${s}"` : `${f.pad}${s}${f.pad}`);
  const lines: string[][] = [];
  if (f.header !== 'none') lines.push([...order.map((k) => (f.upper ? names[k]!.toUpperCase() : names[k]!)), ...(f.extra ? ['note'] : [])]);
  f.rows.forEach(([o, h, l, c, v], i) => {
    const vals = [tsText(f.fmt, T0 + i * 60_000), o, h, l, c, v];
    lines.push([...order.map((k) => vals[k]!), ...(f.extra ? ['x y'] : [])]);
  });
  if (f.mutate) {
    const [r, c, j] = f.mutate;
    const line = lines[r % lines.length]!;
    line[c % line.length] = j;
  }
  if (f.dropField !== undefined) lines[f.dropField % lines.length]!.pop();
  const text = lines.map((l) => l.map(cell).join(f.delim));
  if (f.comment) text.splice(1, 0, '# a comment', '');
  const nl = f.crlf ? '\r\n' : '\n';
  return `${f.bom ? '\uFEFF' : ''}${text.join(nl)}${f.trailingNewline ? nl : ''}`;
}

describe('streaming CSV parser vs the string parser it replaced', () => {
  it('accepts and refuses exactly what the old one did, with bit-identical columns, in any chunking', () => {
    fc.assert(
      fc.property(file, (f) => {
        const text = render(f);
        const opts = { ...(f.tfMs ? { tfMs: f.tfMs } : {}), ...(f.forceTs ? { timestamps: f.fmt } : {}), ...(f.forceHeader !== undefined ? { header: f.forceHeader } : {}) };
        const old = attempt(() => parseCandlesCsvV1(text, opts));
        const whole = attempt(() => parseCandlesCsv(text, opts));
        const chunked = attempt(() => parseChunked(text, f.chunks, opts));
        for (const now of [whole, chunked]) {
          if (now.ok && !old.ok && newLayout(now.r as CsvParseResult)) continue;
          expect(now.ok).toBe(old.ok);
          if (now.ok && old.ok) {
            expect(sameColumns(now.r.columns, old.r.columns)).toBe(true);
            expect([now.r.timestamps, now.r.header]).toEqual([old.r.timestamps, old.r.header]);
          }
          if (!now.ok && !old.ok) {
            const e = now.e as Error;
            expect(e instanceof ValidationError || e instanceof DataQualityError).toBe(true);
            if (!/NUL|no data rows/.test(e.message)) expect(e.message).toMatch(/line \d+/);
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, LONG);

  it('reads numbers from bytes bit-identically to Number() or hands them to the string path', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(numText, fc.double({ noNaN: true }).map(String), fc.string({ maxLength: 12 })), (s) => {
        const b = enc.encode(s);
        const v = decimalFromBytes(b, 0, b.length);
        return Number.isNaN(v) || (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s) && Object.is(v, Number(s)));
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it('reads the exporter\'s 10,000-row file in 7-byte chunks exactly as whole', () => {
    const n = 10_000;
    const cols = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      cols.ts[i] = T0 + i * 60_000;
      cols.open[i] = 100 + Math.sin(i) * 3;
      cols.high[i] = cols.open[i]! + 1.25;
      cols.low[i] = cols.open[i]! - 0.75;
      cols.close[i] = cols.open[i]! + 0.1;
      cols.volume[i] = i / 7;
    }
    const text = serialiseCandlesCsv(cols);
    expect(sameColumns(parseChunked(text, [7], { tfMs: 60_000 }).columns, cols)).toBe(true);
    expect(sameColumns(parseCandlesCsv(text).columns, cols)).toBe(true);
    // In shared memory (a second thread certifies them): the same values, grown past the first guess, n long.
    const shared = parseChunked(text, [4096], { shared: true, sizeHint: 1000 }).columns;
    expect(sameColumns(shared, cols)).toBe(true);
    for (const f of FIELDS) expect(shared[f].buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});

describe('common exports the old parser refused (issue 21 item 9)', () => {
  const plain = parseCandlesCsv(`${T0},1,2,0.5,1.5,10\n${T0 + 86_400_000},1.5,2.5,1,2,20\n`);
  const reads = (text: string, detected: RegExp): void => {
    const r = parseCandlesCsv(text);
    expect(sameColumns(r.columns, plain.columns)).toBe(true);
    expect(describeDetected(r.detected)).toMatch(detected);
  };

  it('a leading index column, with a header (pandas) or without', () => {
    reads(',Date,Open,High,Low,Close,Volume\n0,2024-01-01,1,2,0.5,1.5,10\n1,2024-01-02,1.5,2.5,1,2,20\n', /header ,Date/);
    reads('0,2024-01-01,1,2,0.5,1.5,10\n1,2024-01-02,1.5,2.5,1,2,20\n', /leading index column skipped, timestamps as ISO-8601/);
    reads('0,1704067200,1,2,0.5,1.5,10\n1,1704153600,1.5,2.5,1,2,20\n', /leading index column skipped, timestamps as epoch seconds/);
    reads(',Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1.5,2.5,1,2,20\n', /ISO-8601/);
  });

  it('capitalised and exchange-style headers, ISO dates, epoch seconds, milliseconds and microseconds', () => {
    reads('Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-01,1,2,0.5,1.5,1.4,10\n2024-01-02,1.5,2.5,1,2,1.9,20\n', /ISO-8601/);
    reads('Open time,Open,High,Low,Close,Volume,Close time\n1704067200000,1,2,0.5,1.5,10,1704067259999\n1704153600000,1.5,2.5,1,2,20,1704153659999\n', /epoch milliseconds/);
    reads('Date (UTC);Open;High;Low;Close;Volume BTC\n2024-01-01 00:00:00;1;2;0.5;1.5;10\n2024-01-02T00:00:00Z;1.5;2.5;1;2;20\n', /semicolon.*ISO-8601/);
    reads('timestamp,open,high,low,close,volume\n1704067200,1,2,0.5,1.5,10\n1704153600,1.5,2.5,1,2,20\n', /epoch seconds/);
    reads('timestamp,open,high,low,close,volume\n1704067200000000,1,2,0.5,1.5,10\n1704153600000000,1.5,2.5,1,2,20\n', /epoch microseconds/);
  });

  it('still refuses ambiguous files, naming the line', () => {
    expect(() => parseCandlesCsv('Date,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n01/02/2024,1,2,0.5,1.5,10\n')).toThrow(/CSV line 3: timestamp "01\/02\/2024" is not ISO-8601/);
    expect(() => parseCandlesCsv('01/02/2024,1,2,0.5,1.5,10\n')).toThrow(/CSV line 1: .*day\/month or month\/day/);
    expect(() => parseCandlesCsv('timestamp,open,high,low,close,volume\n1704067200000000,1,2,0.5,1.5,10\n1704153600000,1.5,2.5,1,2,20\n')).toThrow(/CSV line 3: .*not in microseconds/);
    expect(() => parseCandlesCsv('a,b,c,d,e,f\n1,2,3,4,5,6\n')).toThrow(/CSV line 1: header lacks/);
  });
});

describe('a refused file names every bad line (issue 24 item 12)', () => {
  it('lists malformed and invalid lines together, in line order, capped at 20, with the exact count', () => {
    const good = (i: number) => `${1704067200000 + i * 60_000},1,2,0.5,1.5,10`;
    const lines = ['timestamp,open,high,low,close,volume', ...Array.from({ length: 40 }, (_, i) => good(i))];
    lines[3] = `${1704067200000 + 2 * 60_000},1,x,0.5,1.5,10`; // not a number
    lines[7] = `${1704067200000 + 6 * 60_000},1,2,0.5`; // too few fields
    lines[9] = `${1704067200000 + 8 * 60_000},1,0.5,2,1.5,10`; // high below low: a bad row, found by validation
    let err: ValidationError | undefined;
    try {
      parseCandlesCsv(lines.join('\n'), { tfMs: 60_000 });
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.message).toMatch(/^CSV line 4: high "x" is not a number \(and 2 more bad lines\)/);
    expect(err!.issues.map((i) => i.path)).toEqual(['line 4', 'line 8', 'line 10']);

    const many = ['timestamp,open,high,low,close,volume', ...Array.from({ length: 60 }, (_, i) => (i % 2 ? `${1704067200000 + i * 60_000},1,?,0.5,1.5,10` : good(i)))];
    try {
      parseCandlesCsv(many.join('\n'), { tfMs: 60_000 });
    } catch (e) {
      err = e as ValidationError;
    }
    expect(err!.issues).toHaveLength(20);
    expect(err!.message).toContain('and 29 more bad lines; the first 20 listed');
  });

  it('one bad line keeps its own words', () => {
    expect(() => parseCandlesCsv('timestamp,open,high,low,close,volume\n1704067200000,1,2,0.5,1.5,10\n1704067260000,1,zz,0.5,1.5,10\n')).toThrow(/^CSV line 3: high "zz" is not a number$/);
  });
});
