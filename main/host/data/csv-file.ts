/**
 * Candle CSV files read from disk in chunks straight into the streaming parser (no whole-file string), with
 * the file's SHA-256 taken on the way so a store can recognise a file it has already imported.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DataQualityError, ValidationError } from '../../core/errors.ts';
import { CandleCsvParser, type CsvParseOptions, type CsvParseResult } from '../../core/data/csv.ts';
import { reasonMessage, validateColumns } from '../../core/data/validate.ts';
import type { OhlcvColumns } from '../../core/data/candles.ts';

const CHUNK = 1 << 20;

export interface CsvFile extends CsvParseResult {
  /** SHA-256 of the file's bytes (hex), when asked for. */
  readonly fileHash?: string;
  readonly bytes: number;
  /** Line number of data row i (1-based). */
  lineOf(row: number): number;
}

function open(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (e) {
    throw new ValidationError(`cannot read ${path}: ${(e as Error).message}`, [{ path: 'data', message: 'unreadable' }]);
  }
}

/** SHA-256 of a file's bytes, read in chunks. */
export function fileSha256(path: string): string {
  const fd = open(path);
  const h = createHash('sha256');
  const buf = new Uint8Array(CHUNK);
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** `hash`: also take the file's SHA-256 on the way (costs about a fifth of the parse). */
export function readCandlesCsvFile(path: string, opts: CsvParseOptions & { hash?: boolean } = {}): CsvFile {
  const fd = open(path);
  try {
    const size = fstatSync(fd).size;
    const parser = new CandleCsvParser({ sizeHint: size, ...opts });
    const h = opts.hash ? createHash('sha256') : undefined;
    const buf = new Uint8Array(CHUNK);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      const chunk = buf.subarray(0, n);
      h?.update(chunk);
      parser.push(chunk);
    }
    const r = parser.end();
    return { ...r, ...(h ? { fileHash: h.digest('hex') } : {}), bytes: size, lineOf: (row) => parser.lineOfRow(row) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The row checks every import applies (non-finite values, prices ≤ 0, low above / high below open or close,
 * negative volume; the timeframe grid when tfMs > 0). By default a file with a bad row is refused naming its
 * lines; with `allowBadRows` the bad rows are left out and listed.
 */
export function checkRows(file: CsvFile, tfMs: number, allowBadRows: boolean): { columns: OhlcvColumns; dropped: number; note: string | null } {
  const c = file.columns;
  const v = validateColumns(c, tfMs, 20);
  if (v.rejected === 0) return { columns: c, dropped: 0, note: null };
  const first = v.rows[0]!;
  const where = `line ${file.lineOf(first.row)}: ${first.message}`;
  if (!allowBadRows) {
    throw new DataQualityError(`CSV has ${v.rejected} invalid row(s); first at ${where} (--allow-bad-rows leaves them out)`, {
      rejected: v.rejected,
      issues: v.rows.map((x) => ({ path: `line ${file.lineOf(x.row)}`, message: `${x.reason}: ${reasonMessage(x.reason)}` })),
    });
  }
  const keep = new Uint8Array(c.ts.length).fill(1);
  const n = c.ts.length;
  let m = 0;
  // validateColumns lists only the first rejects: mark every one.
  const all = validateColumns(c, tfMs, n);
  for (const r of all.rows) keep[r.row] = 0;
  const out = { ts: new Float64Array(n - all.rejected), open: new Float64Array(n - all.rejected), high: new Float64Array(n - all.rejected), low: new Float64Array(n - all.rejected), close: new Float64Array(n - all.rejected), volume: new Float64Array(n - all.rejected) };
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    out.ts[m] = c.ts[i]!;
    out.open[m] = c.open[i]!;
    out.high[m] = c.high[i]!;
    out.low[m] = c.low[i]!;
    out.close[m] = c.close[i]!;
    out.volume[m] = c.volume[i]!;
    m++;
  }
  return { columns: out, dropped: all.rejected, note: `left out ${all.rejected} bad row(s); first at ${where}` };
}
