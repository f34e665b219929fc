/**
 * BASELINE ONLY — the candle CSV parser as it was before the streaming columnar one (main/core/data/csv-parser.ts):
 * split into line strings, then field strings, then numbers. Kept verbatim so the bench can quote a ratio against
 * it and the property test (test/unit/data/csv-parser.test.ts) can show the new parser accepts and refuses what
 * this one did. Nothing in main/ or workers/ may import it.
 */
import { DataQualityError, ValidationError, type ErrorIssue } from '../../../main/core/errors.ts';
import { allocColumns, type OhlcvColumns } from '../../../main/core/data/candles.ts';
import { validateColumns } from '../../../main/core/data/validate.ts';

type TimestampFormat = 'auto' | 'ms' | 's' | 'iso';

interface CsvParseOptions {
  readonly timestamps?: TimestampFormat;
  /** true/false forces; undefined detects (a first line with a non-numeric, non-date field is a header). */
  readonly header?: boolean;
  /** When given, rows are also checked for sanity on this grid (see validate.ts). */
  readonly tfMs?: number;
  /** Refuse files with more data rows than this (hostile or accidental huge files). */
  readonly maxRows?: number;
}

const ALIASES: Record<string, 'ts' | 'open' | 'high' | 'low' | 'close' | 'volume'> = {
  ts: 'ts', timestamp: 'ts', time: 'ts', date: 'ts', datetime: 'ts', open_time: 'ts', opentime: 'ts', unix: 'ts', 'date/time': 'ts',
  open: 'open', o: 'open', high: 'high', h: 'high', low: 'low', l: 'low', close: 'close', c: 'close',
  volume: 'volume', vol: 'volume', v: 'volume',
};

const NUM = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

function fail(line: number, message: string): never {
  throw new ValidationError(`CSV line ${line}: ${message}`, [{ path: `line ${line}`, message }]);
}

function parseIso(s: string): number {
  const m = ISO.exec(s);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '00', mi = '00', se = '00', frac = '', zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se), ms);
  // Date.UTC silently rolls 2021-02-30 into March; a calendar-invalid date is an error, not a shift.
  const back = new Date(t);
  if (back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return Number.NaN;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

function detectDelimiter(line: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 1 ? counts[0]![0] : ',';
}

export function parseCandlesCsvV1(text: string, opts: CsvParseOptions = {}): { columns: OhlcvColumns; timestamps: Exclude<TimestampFormat, 'auto'>; header: boolean } {
  if (typeof text !== 'string') throw new ValidationError('CSV input is not text');
  if (text.includes('\u0000')) throw new ValidationError('CSV input contains NUL bytes (binary file?)', [{ path: '', message: 'binary content' }]);
  const lines = text.split(/\r?\n/);
  const data: { line: number; fields: string[] }[] = [];
  let delimiter: string | undefined;
  let columnIndex: number[] = [0, 1, 2, 3, 4, 5];
  let header = false;
  let sawFirst = false;
  let fieldCount = -1;
  const maxRows = opts.maxRows ?? 50_000_000;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/^\uFEFF/, '').trim();
    if (raw === '' || raw.startsWith('#')) continue;
    delimiter ??= detectDelimiter(raw);
    const fields = raw.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    if (!sawFirst) {
      sawFirst = true;
      const looksHeader = fields.some((f) => f !== '' && !NUM.test(f) && Number.isNaN(parseIso(f)));
      header = opts.header ?? looksHeader;
      if (header) {
        const names = fields.map((f) => f.toLowerCase());
        const idx = (['ts', 'open', 'high', 'low', 'close', 'volume'] as const).map((want) => names.findIndex((n) => ALIASES[n] === want));
        const missing = ['timestamp', 'open', 'high', 'low', 'close', 'volume'].filter((_, k) => idx[k] === -1);
        if (missing.length) fail(i + 1, `header lacks column(s) ${missing.join(', ')} (got: ${fields.join(delimiter)})`);
        columnIndex = idx;
        fieldCount = fields.length;
        continue;
      }
    }
    // A row wider or narrower than the header (or the first row) means a stray separator: refuse, never shift columns.
    if (fieldCount < 0) fieldCount = fields.length;
    else if (fields.length !== fieldCount) fail(i + 1, `expected ${fieldCount} fields like the ${header ? 'header' : 'first row'}, got ${fields.length}`);
    if (data.length >= maxRows) fail(i + 1, `more than ${maxRows} rows`);
    data.push({ line: i + 1, fields });
  }
  if (data.length === 0) throw new ValidationError('CSV has no data rows', [{ path: '', message: 'empty file' }]);

  let fmt: Exclude<TimestampFormat, 'auto'>;
  const firstTs = data[0]!.fields[columnIndex[0]!] ?? '';
  if (opts.timestamps && opts.timestamps !== 'auto') fmt = opts.timestamps;
  else if (NUM.test(firstTs)) fmt = Math.abs(Number(firstTs)) >= 1e11 ? 'ms' : 's';
  else if (!Number.isNaN(parseIso(firstTs))) fmt = 'iso';
  else fail(data[0]!.line, `cannot read timestamp "${firstTs.slice(0, 40)}" as ms, s or ISO-8601`);

  const width = Math.max(...columnIndex) + 1;
  const out = allocColumns(data.length);
  const cols = [out.ts, out.open, out.high, out.low, out.close, out.volume];
  for (let r = 0; r < data.length; r++) {
    const { line, fields } = data[r]!;
    if (fields.length < width) fail(line, `expected at least ${width} fields, got ${fields.length}`);
    const t = fields[columnIndex[0]!]!;
    let ts: number;
    if (fmt === 'iso') {
      ts = parseIso(t);
      if (Number.isNaN(ts)) fail(line, `timestamp "${t.slice(0, 40)}" is not ISO-8601 like the first row`);
    } else {
      if (!NUM.test(t)) fail(line, `timestamp "${t.slice(0, 40)}" is not a number (file uses ${fmt === 'ms' ? 'milliseconds' : 'seconds'})`);
      ts = fmt === 's' ? Math.round(Number(t) * 1000) : Number(t);
      if (fmt === 'ms' && opts.timestamps !== 'ms' && Math.abs(Number(t)) < 1e11) fail(line, `timestamp ${t} looks like seconds but the file uses milliseconds`);
    }
    out.ts[r] = ts;
    for (let k = 1; k < 6; k++) {
      const f = fields[columnIndex[k]!]!;
      if (!NUM.test(f)) fail(line, `${['', 'open', 'high', 'low', 'close', 'volume'][k]} "${f.slice(0, 40)}" is not a number`);
      cols[k]![r] = Number(f);
    }
  }
  if (opts.tfMs !== undefined) {
    const v = validateColumns(out, opts.tfMs, 20);
    if (v.rejected) {
      const issues: ErrorIssue[] = v.rows.map((x) => ({ path: `line ${data[x.row]!.line}`, message: `${x.reason}: ${x.message}` }));
      throw new DataQualityError(`CSV has ${v.rejected} invalid row(s); first at line ${data[v.rows[0]!.row]!.line}: ${v.rows[0]!.message}`, { rejected: v.rejected, issues });
    }
  }
  return { columns: out, timestamps: fmt, header };
}

