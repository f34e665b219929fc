/**
 * Candle CSV → Float64Array columns, streamed: bytes go in chunk by chunk and land in the columns without a
 * string or object per row. A plain line (printable ASCII, no quotes) is split and its numbers read straight
 * from the bytes; any other line (the header, quotes, padding, non-ASCII, a malformed field) takes the string
 * path of csv-format.ts, which also words every error. All or nothing: the first bad line throws with its
 * number, so an import never stores half a file.
 *
 * Layouts recognised (and reported in `detected`): a header or none; comma, semicolon or tab; `#` comments;
 * timestamps as ISO-8601 or epoch s/ms/µs/ns; a leading row counter (pandas' index) before the timestamps.
 * Refused with the line named: day/month dates that could be read either way, rows wider or narrower than
 * the first, any value that is not a number.
 */
import { DataQualityError, ValidationError, type ErrorIssue } from '../errors.ts';
import type { OhlcvColumns } from './candles.ts';
import {
  ambiguousDate, columnsFromHeader, detectDelimiter, epochUnit, fail, hasIndexColumn, isAmbiguousDate, looksLikeHeader, NUM, parseIso, splitFields, UNIT_NAMES, type TimestampFormat, type TimestampUnit,
} from './csv-format.ts';
import { numberAt, stoppedAt } from './decimal-bytes.ts';
import { validateColumns } from './validate.ts';

export type { TimestampFormat, TimestampUnit } from './csv-format.ts';

export interface CsvParseOptions {
  readonly timestamps?: TimestampFormat;
  /** true/false forces; undefined detects (a first line with a non-numeric, non-date field is a header). */
  readonly header?: boolean;
  /** When given, rows are also checked for sanity on this grid (see validate.ts). */
  readonly tfMs?: number;
  /** Refuse files with more data rows than this (hostile or accidental huge files). */
  readonly maxRows?: number;
  /** A guess of the row count so the columns rarely grow. */
  readonly expectedRows?: number;
  /** The input's total size in bytes: after the first chunk the row count is estimated from it, once. */
  readonly sizeHint?: number;
  /**
   * Columns in SharedArrayBuffers, for a thread that reads them while this one works (a backtest certifies its
   * candles on a second core). They are then views of the first n values, without the final right-sizing copy.
   */
  readonly shared?: boolean;
}

/** What the parser recognised, for the user to check. */
export interface CsvDetected {
  readonly delimiter: string;
  /** The header's fields, or null when the file has none. */
  readonly header: readonly string[] | null;
  /** A leading row counter was skipped. */
  readonly indexColumn: boolean;
  readonly timestamps: TimestampUnit;
  /** Field index of ts, open, high, low, close, volume. */
  readonly columns: readonly number[];
  readonly rows: number;
}

export interface CsvParseResult {
  readonly columns: OhlcvColumns;
  readonly timestamps: TimestampUnit;
  readonly header: boolean;
  readonly detected: CsvDetected;
}

const NAMES = ['', 'open', 'high', 'low', 'close', 'volume'] as const;
/** A line longer than this cannot be a candle row or a header: refuse rather than buffer without bound. */
const MAX_LINE = 16 * 1024 * 1024;
/** Bad lines listed in one refusal (all are counted). */
const MAX_REPORTED = 20;
/** N of an issue path `line N` (0 when it names no line). */
const lineNum = (path: string) => Number(/^line (\d+)$/.exec(path)?.[1] ?? 0);
const NL = 10;
const CR = 13;
const HASH = 35;
/** Timestamp format codes: 0 = not known yet (before the first data row). */
const MS = 1;
const SEC = 2;
const ISO = 3;
const US = 4;
const NS = 5;
const UNITS: readonly TimestampUnit[] = ['ms', 'ms', 's', 'iso', 'us', 'ns'];
const CODES: Readonly<Record<TimestampUnit, number>> = { ms: MS, s: SEC, iso: ISO, us: US, ns: NS };

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function ascii(b: Uint8Array, s: number, e: number): string {
  return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
}

export function describeDetected(d: CsvDetected): string {
  const sep = d.delimiter === ',' ? 'comma' : d.delimiter === ';' ? 'semicolon' : 'tab';
  const head = d.header ? `header ${d.header.join(d.delimiter)}` : 'no header';
  return `${d.rows} rows, ${sep}-separated, ${head}${d.indexColumn ? ', leading index column skipped' : ''}, timestamps as ${UNIT_NAMES[d.timestamps]}`;
}

export class CandleCsvParser {
  private readonly opts: CsvParseOptions;
  private readonly maxRows: number;
  private readonly forced: boolean;
  private carry: Uint8Array | null = null;
  private lineNo = 0;
  /** Malformed lines met after the layout was known (the first MAX_REPORTED) and how many there were. */
  private bad: ValidationError[] = [];
  private badCount = 0;
  private started = false;
  private delimiter = '';
  private delimByte = -1;
  private header: string[] | null = null;
  private indexColumn = false;
  private fieldCount = -1;
  private col: Int32Array = Int32Array.of(0, 1, 2, 3, 4, 5);
  private fmt = 0;
  private slot = new Int8Array(0);
  private n = 0;
  private seen = 0;
  private estimated = false;
  private cap: number;
  private ts: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;
  private lineOf: Uint32Array;

  constructor(opts: CsvParseOptions = {}) {
    this.opts = opts;
    this.maxRows = opts.maxRows ?? 50_000_000;
    this.forced = opts.timestamps !== undefined && opts.timestamps !== 'auto';
    this.cap = Math.max(64, Math.min(opts.expectedRows ?? (opts.sizeHint ? 1 << 16 : 1024), this.maxRows));
    this.ts = this.f64(this.cap);
    this.open = this.f64(this.cap);
    this.high = this.f64(this.cap);
    this.low = this.f64(this.cap);
    this.close = this.f64(this.cap);
    this.volume = this.f64(this.cap);
    this.lineOf = new Uint32Array(this.cap);
  }

  push(chunk: Uint8Array): void {
    if (chunk.indexOf(0) !== -1) throw new ValidationError('CSV input contains NUL bytes (binary file?)', [{ path: '', message: 'binary content' }]);
    let from = 0;
    if (this.carry) {
      const nl = chunk.indexOf(NL);
      const head = nl < 0 ? chunk : chunk.subarray(0, nl + 1);
      const joined = new Uint8Array(this.carry.length + head.length);
      joined.set(this.carry);
      joined.set(head, this.carry.length);
      this.carry = null;
      if (nl < 0) {
        this.keep(joined, 0);
        return;
      }
      this.consume(joined, 0);
      from = nl + 1;
    }
    const rest = this.consume(chunk, from);
    if (rest < chunk.length) this.keep(chunk, rest);
    this.seen += chunk.length;
    if (!this.estimated && this.opts.sizeHint && this.n >= 64) {
      // Rows so far × size / bytes so far, 2% spare: one right-sized allocation instead of doubling and a
      // large final copy (and the garbage both leave).
      this.estimated = true;
      const want = Math.min(this.maxRows, Math.ceil((this.n * this.opts.sizeHint * 1.02) / this.seen) + 64);
      if (want > this.cap) this.resize(want);
    }
  }

  /** The last line needs no newline. */
  end(): CsvParseResult {
    if (this.carry) {
      const last = new Uint8Array(this.carry.length + 1);
      last.set(this.carry);
      last[this.carry.length] = NL;
      this.carry = null;
      this.consume(last, 0);
    }
    const n = this.n;
    if (n === 0 && !this.badCount) throw new ValidationError('CSV has no data rows', [{ path: '', message: 'empty file' }]);
    const f = this.opts.shared ? (a: Float64Array, k: number): Float64Array => a.subarray(0, k) : fit;
    const columns: OhlcvColumns = { ts: f(this.ts, n), open: f(this.open, n), high: f(this.high, n), low: f(this.low, n), close: f(this.close, n), volume: f(this.volume, n) };
    const v = this.opts.tfMs !== undefined && n > 0 ? validateColumns(columns, this.opts.tfMs, MAX_REPORTED) : { rejected: 0, rows: [] };
    const invalid: ErrorIssue[] = v.rows.map((x) => ({ path: `line ${this.lineOf[x.row]}`, message: `${x.reason}: ${x.message}` }));
    if (this.badCount) {
      const malformed = this.bad.flatMap((e) => e.issues);
      // One bad line: its own error, word for word. More: the first one's words, then every one listed (capped).
      if (this.badCount === 1 && !v.rejected) throw this.bad[0]!;
      const more = this.badCount - 1 + v.rejected;
      const issues = [...malformed, ...invalid].sort((a, b) => lineNum(a.path) - lineNum(b.path)).slice(0, MAX_REPORTED);
      throw new ValidationError(`${this.bad[0]!.message} (and ${more} more bad line${more === 1 ? '' : 's'}${more + 1 > issues.length ? `; the first ${issues.length} listed` : ''})`, issues, { malformed: this.badCount, rejected: v.rejected });
    }
    if (v.rejected) throw new DataQualityError(`CSV has ${v.rejected} invalid row(s); first at line ${this.lineOf[v.rows[0]!.row]}: ${v.rows[0]!.message}`, { rejected: v.rejected, issues: invalid });
    const timestamps = UNITS[this.fmt]!;
    return {
      columns,
      timestamps,
      header: this.header !== null,
      detected: { delimiter: this.delimiter, header: this.header, indexColumn: this.indexColumn, timestamps, columns: Array.from(this.col), rows: n },
    };
  }

  /** Line number of data row `row` (1-based, as errors name it). */
  lineOfRow(row: number): number {
    return this.lineOf[row]!;
  }

  private keep(b: Uint8Array, from: number): void {
    if (b.length - from > MAX_LINE) fail(this.lineNo + 1, `line longer than ${MAX_LINE} bytes`);
    this.carry = b.slice(from);
  }

  /** Every complete line of b from `from` on; returns where the unfinished last line starts. */
  private consume(b: Uint8Array, from: number): number {
    // Lines up to the chunk's last newline are whole: the byte loops below stop at a newline, never at the end.
    const last = b.lastIndexOf(NL);
    let i = from;
    while (i <= last) {
      const next = this.fmt !== 0 ? this.fastLine(b, i) : -1;
      if (next >= 0) {
        i = next;
        continue;
      }
      const nl = b.indexOf(NL, i);
      this.lineNo++;
      const text = utf8.decode(b.subarray(i, nl > i && b[nl - 1] === CR ? nl - 1 : nl));
      if (this.fmt === 0) this.slowLine(text);
      else {
        // Once the layout is known, a bad line is one more finding, not the end: the trader gets every bad
        // line (up to a cap) in one attempt instead of one per attempt. Nothing is stored either way.
        try {
          this.slowLine(text);
        } catch (e) {
          if (!(e instanceof ValidationError) || this.n >= this.maxRows) throw e;
          this.bad.push(e);
          if (this.bad.length > MAX_REPORTED) this.bad.length = MAX_REPORTED;
          this.badCount++;
        }
      }
      i = nl + 1;
    }
    return i;
  }

  /**
   * One plain line straight from bytes, fields parsed as they are scanned (a newline follows s somewhere).
   * Returns the offset after its newline, or -1 when the line needs the string path (nothing has been
   * changed then).
   */
  private fastLine(b: Uint8Array, s: number): number {
    const c0 = b[s]!;
    if (c0 === NL) {
      this.lineNo++;
      return s + 1;
    }
    if (c0 === CR || c0 === HASH) {
      const nl = b.indexOf(NL, s);
      if (c0 === CR && nl !== s + 1) return -1;
      this.lineNo++;
      return nl + 1;
    }
    // The string path trims the line first: a padded line may be a padded comment, and with tabs as the
    // separator, trimming drops leading or trailing empty fields.
    if (c0 === 32 || c0 === 9) return -1;
    const d = this.delimByte;
    const last = this.fieldCount - 1;
    const slot = this.slot;
    const iso = this.fmt === ISO;
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    let t4 = 0;
    let t5 = 0;
    let i = s;
    for (let f = 0; ; f++) {
      const k = slot[f]!;
      if (k < 0 || (k === 0 && iso)) {
        const fs = i;
        for (;;) {
          const c = b[i]!;
          if (c === d || c === NL || c === CR) break;
          if (c < 32 || c > 126 || c === 34) return -1;
          i++;
        }
        if (k === 0) {
          if (i === fs || b[fs] === 32 || b[i - 1] === 32) return -1;
          t0 = parseIso(ascii(b, fs, i));
          if (t0 !== t0) return -1;
        }
      } else {
        const v = numberAt(b, i, d);
        if (v !== v) return -1;
        i = stoppedAt;
        if (k === 0) {
          if (!this.epochFits(v)) return -1;
          t0 = this.epochMs(v);
        } else if (k === 1) t1 = v;
        else if (k === 2) t2 = v;
        else if (k === 3) t3 = v;
        else if (k === 4) t4 = v;
        else t5 = v;
      }
      const c = b[i]!;
      if (c === d) {
        if (f >= last) return -1;
        i++;
        continue;
      }
      if (f !== last || b[i - 1] === 32 || b[i - 1] === 9) return -1;
      let next = i + 1;
      if (c === CR) {
        if (b[next] !== NL) return -1;
        next++;
      }
      const r = this.n;
      if (r >= this.maxRows) return -1;
      if (r === this.cap) this.grow();
      const line = ++this.lineNo;
      this.ts[r] = t0;
      this.open[r] = t1;
      this.high[r] = t2;
      this.low[r] = t3;
      this.close[r] = t4;
      this.volume[r] = t5;
      this.lineOf[r] = line;
      this.n = r + 1;
      return next;
    }
  }

  private numberField(f: string, line: number, k: number): number {
    if (!NUM.test(f)) fail(line, `${NAMES[k]} "${f.slice(0, 40)}" is not a number`);
    return Number(f);
  }

  private timestamp(t: string, line: number): number {
    if (this.fmt === ISO) {
      const ts = parseIso(t);
      if (Number.isNaN(ts)) fail(line, `timestamp "${t.slice(0, 40)}" is not ISO-8601 like the first row`);
      return ts;
    }
    if (!NUM.test(t)) fail(line, `timestamp "${t.slice(0, 40)}" is not a number (file uses ${UNIT_NAMES[UNITS[this.fmt]!]})`);
    const v = Number(t);
    if (!this.epochFits(v)) {
      if (this.fmt === MS) fail(line, `timestamp ${t} looks like seconds but the file uses milliseconds`);
      fail(line, `timestamp ${t} is not in ${this.fmt === US ? 'microseconds' : 'nanoseconds'} like the first row`);
    }
    return this.epochMs(v);
  }

  /** A detected unit holds for every row (a forced one is taken as given; seconds never were checked). */
  private epochFits(v: number): boolean {
    if (this.forced) return true;
    switch (this.fmt) {
      case MS:
        return Math.abs(v) >= 1e11;
      case US:
        return epochUnit(v) === 'us';
      case NS:
        return epochUnit(v) === 'ns';
      default:
        return true;
    }
  }

  private epochMs(v: number): number {
    switch (this.fmt) {
      case MS:
        return v;
      case SEC:
        return Math.round(v * 1000);
      case US:
        return Math.round(v / 1000);
      default:
        return Math.round(v / 1e6);
    }
  }

  private slowLine(text: string): void {
    const line = this.lineNo;
    const raw = text.replace(/^\uFEFF/, '').trim();
    if (raw === '' || raw.startsWith('#')) return;
    if (!this.delimiter) {
      this.delimiter = detectDelimiter(raw);
      this.delimByte = this.delimiter.charCodeAt(0);
    }
    const fields = splitFields(raw, this.delimiter);
    if (!this.started) {
      this.started = true;
      if (this.opts.header ?? looksLikeHeader(fields)) {
        this.col = Int32Array.from(columnsFromHeader(fields, line, this.delimiter));
        this.header = fields;
        this.setFieldCount(fields.length);
        return;
      }
    }
    if (this.fieldCount < 0) {
      if (hasIndexColumn(fields)) {
        this.indexColumn = true;
        this.col = Int32Array.of(1, 2, 3, 4, 5, 6);
      }
      this.setFieldCount(fields.length);
    } else if (fields.length !== this.fieldCount) fail(line, `expected ${this.fieldCount} fields like the ${this.header ? 'header' : 'first row'}, got ${fields.length}`);
    if (this.n >= this.maxRows) fail(line, `more than ${this.maxRows} rows`);
    const col = this.col;
    if (this.fmt === 0) {
      this.fmt = this.detectFormat(fields[col[0]!] ?? '', line);
      this.setSlots();
    }
    const width = Math.max(...col) + 1;
    if (fields.length < width) fail(line, `expected at least ${width} fields, got ${fields.length}`);
    const r = this.n;
    if (r === this.cap) this.grow();
    this.ts[r] = this.timestamp(fields[col[0]!]!, line);
    this.open[r] = this.numberField(fields[col[1]!]!, line, 1);
    this.high[r] = this.numberField(fields[col[2]!]!, line, 2);
    this.low[r] = this.numberField(fields[col[3]!]!, line, 3);
    this.close[r] = this.numberField(fields[col[4]!]!, line, 4);
    this.volume[r] = this.numberField(fields[col[5]!]!, line, 5);
    this.lineOf[r] = line;
    this.n = r + 1;
  }

  private f64(n: number): Float64Array {
    return this.opts.shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n);
  }

  private setFieldCount(n: number): void {
    this.fieldCount = n;
  }

  /** Which column each field feeds (-1: unused), fixed once the first data row is known. */
  private setSlots(): void {
    this.slot = new Int8Array(this.fieldCount).fill(-1);
    for (let k = 0; k < 6; k++) if (this.col[k]! < this.fieldCount) this.slot[this.col[k]!] = k;
  }

  private detectFormat(first: string, line: number): number {
    const forced = this.opts.timestamps;
    if (forced && forced !== 'auto') return CODES[forced];
    if (NUM.test(first)) return CODES[epochUnit(Number(first))];
    if (!Number.isNaN(parseIso(first))) return ISO;
    if (isAmbiguousDate(first)) fail(line, ambiguousDate(first));
    return fail(line, `cannot read timestamp "${first.slice(0, 40)}" as ms, s or ISO-8601`);
  }

  private grow(): void {
    this.resize(Math.min(this.cap * 2, this.maxRows));
  }

  private resize(cap: number): void {
    const g = (a: Float64Array): Float64Array => {
      const out = this.f64(cap);
      out.set(a);
      return out;
    };
    this.ts = g(this.ts);
    this.open = g(this.open);
    this.high = g(this.high);
    this.low = g(this.low);
    this.close = g(this.close);
    this.volume = g(this.volume);
    const lines = new Uint32Array(cap);
    lines.set(this.lineOf);
    this.lineOf = lines;
    this.cap = cap;
  }
}

/** Exactly n values owning their buffer (moved to a worker or hashed without a view's offset). */
function fit(a: Float64Array, n: number): Float64Array {
  if (a.length === n) return a;
  const buf = a.buffer as ArrayBuffer & { transfer?: (len: number) => ArrayBuffer };
  return buf.transfer ? new Float64Array(buf.transfer(n * 8)) : a.slice(0, n);
}

/** Parses a whole CSV text (see CandleCsvParser). */
export function parseCandlesCsv(text: string, opts: CsvParseOptions = {}): CsvParseResult {
  if (typeof text !== 'string') throw new ValidationError('CSV input is not text');
  if (text.includes('\u0000')) throw new ValidationError('CSV input contains NUL bytes (binary file?)', [{ path: '', message: 'binary content' }]);
  return parseCandlesCsvBytes(new TextEncoder().encode(text), opts);
}

/** Parses CSV bytes (UTF-8) held in memory. */
export function parseCandlesCsvBytes(bytes: Uint8Array, opts: CsvParseOptions = {}): CsvParseResult {
  const p = new CandleCsvParser({ sizeHint: bytes.length, ...opts });
  // In slices, so the row count is estimated from the first one (see sizeHint).
  for (let at = 0; at < bytes.length; at += 1 << 20) p.push(bytes.subarray(at, at + (1 << 20)));
  return p.end();
}
