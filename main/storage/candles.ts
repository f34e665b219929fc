/**
 * Candle store: columnar chunks (see migrations/market/0001-candles.ts). Writes merge into the one chunk
 * each timestamp belongs to, so re-importing, overlapping backfills or a live candle updated every second
 * never produce a duplicate; reads concatenate BLOBs straight into Float64Arrays with no object per candle.
 * Float64 BLOBs are little-endian (every platform Kestrel ships on).
 *
 * Appends (`upsertMany`: live bars as they close) go to the dataset's tail table as rows and are folded into
 * the chunks TAIL_FOLD at a time (migrations/market/0004-candle-tail.ts); every read sees chunks + tail.
 */
import { KestrelError, ValidationError } from '../core/errors.ts';
import type { OhlcvArrays } from '../core/model/market.ts';
import { guarded, toStorageError, type SqliteDb, type SqliteStatement, type SqliteTransaction } from './sqlite.ts';

/** The model's six columns (main/core/model/market.ts). */
export type CandleColumns = OhlcvArrays;

/**
 * What a range read returns: the columns plus `length` and `intervalMs`, so it is also a
 * main/core/model CandleColumns (what the engine and replay venue consume) without copying.
 */
export interface StoredCandles extends CandleColumns {
  readonly length: number;
  /** The timeframe in ms. */
  readonly intervalMs: number;
}

/** Input columns: typed arrays or plain number arrays, all the same length. */
export interface CandleColumnsInput {
  readonly ts: ArrayLike<number>;
  readonly open: ArrayLike<number>;
  readonly high: ArrayLike<number>;
  readonly low: ArrayLike<number>;
  readonly close: ArrayLike<number>;
  readonly volume: ArrayLike<number>;
}

export interface CandleKey {
  /** Where the data came from: exchange id (`binance`), `csv:<file>`, `demo`, ... */
  readonly source: string;
  readonly symbol: string;
  /** `1m`, `5m`, `1h`, `1d`, `1w`, `1M`, ... */
  readonly timeframe: string;
}

export interface DatasetInfo extends CandleKey {
  readonly firstTs: number;
  readonly lastTs: number;
  readonly count: number;
}

const FIELDS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Candles per chunk window: big enough that a 1M-candle read is a few hundred BLOB copies, small enough that rewriting one chunk for a live update costs well under a millisecond of memcpy. */
export const CHUNK_CANDLES = 4096;
/** Tail rows of a dataset folded into its chunks at once: one chunk rewrite per this many appended candles. */
export const TAIL_FOLD = 1024;

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_592_000_000, y: 31_536_000_000 };

/** Nominal length of a timeframe in ms (a month counts 30 days: only used to size chunk windows). */
export function timeframeMs(timeframe: string): number {
  const m = /^(\d{1,6})([smhdwMy])$/.exec(timeframe);
  if (!m || Number(m[1]) === 0) throw new ValidationError(`Unknown timeframe "${timeframe}" (expected e.g. 1m, 15m, 1h, 1d, 1w, 1M)`, [{ path: 'timeframe', message: 'unknown timeframe' }]);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

interface ChunkRow {
  chunk_start: number;
  n: number;
  ts: Buffer;
  open: Buffer;
  high: Buffer;
  low: Buffer;
  close: Buffer;
  volume: Buffer;
}

export class CandleStore {
  private readonly db: SqliteDb;
  private readonly setIds = new Map<string, number>();
  /** upsertMany's transaction, made once (it runs on every event-loop turn that closes live bars). */
  private readonly appendAll: SqliteTransaction<(items: readonly (KestrelError | { key: CandleKey; tfMs: number; cols: CandleColumns })[]) => void>;
  private readonly st: {
    setId: SqliteStatement<[string, string, string], { id: number; tf_ms: number }>;
    addSet: SqliteStatement<[string, string, string, number]>;
    chunk: SqliteStatement<[number, number], ChunkRow>;
    put: SqliteStatement<unknown[]>;
    range: SqliteStatement<[number, number, number, number, number], ChunkRow>;
    lastTs: SqliteStatement<[number], { last_ts: number }>;
    datasets: SqliteStatement<[], { source: string; symbol: string; timeframe: string; firstTs: number; lastTs: number; count: number }>;
    removeSet: SqliteStatement<[number]>;
    tailLast: SqliteStatement<[number], { ts: number }>;
    appendAt: SqliteStatement<[number, number, number], [number | null, number | null, number | null]>;
    tailAdd: SqliteStatement<[number, number, number, number, number, number, number]>;
    tailAll: SqliteStatement<[number], number[]>;
    tailRange: SqliteStatement<[number, number, number], number[]>;
    tailClear: SqliteStatement<[number]>;
  };

  constructor(db: SqliteDb) {
    this.db = db;
    this.appendAll = db.transaction((items) => {
      for (const c of items) if (!(c instanceof KestrelError) && c.cols.ts.length) this.append(c.key, c.tfMs, c.cols);
    });
    this.st = {
      setId: db.prepare('SELECT id, tf_ms FROM candle_sets WHERE source = ? AND symbol = ? AND timeframe = ?'),
      addSet: db.prepare('INSERT INTO candle_sets (source, symbol, timeframe, tf_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      chunk: db.prepare('SELECT chunk_start, n, ts, open, high, low, close, volume FROM candle_chunks WHERE set_id = ? AND chunk_start = ?'),
      put: db.prepare(
        `INSERT INTO candle_chunks (set_id, chunk_start, n, first_ts, last_ts, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (set_id, chunk_start) DO UPDATE SET n = excluded.n, first_ts = excluded.first_ts, last_ts = excluded.last_ts,
           ts = excluded.ts, open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
      ),
      range: db.prepare(
        `SELECT chunk_start, n, ts, open, high, low, close, volume FROM candle_chunks
         WHERE set_id = ? AND chunk_start >= ? AND chunk_start < ? AND last_ts >= ? AND first_ts < ? ORDER BY chunk_start`,
      ),
      lastTs: db.prepare('SELECT last_ts FROM candle_chunks WHERE set_id = ? ORDER BY chunk_start DESC LIMIT 1'),
      datasets: db.prepare(
        `SELECT s.source, s.symbol, s.timeframe, MIN(c.first_ts) AS firstTs, MAX(c.last_ts) AS lastTs, SUM(c.n) AS count
         FROM candle_sets s JOIN (
           SELECT set_id, first_ts, last_ts, n FROM candle_chunks
           UNION ALL SELECT set_id, MIN(ts), MAX(ts), COUNT(*) FROM candle_tail GROUP BY set_id
         ) c ON c.set_id = s.id GROUP BY s.id ORDER BY s.source, s.symbol, s.tf_ms`,
      ),
      removeSet: db.prepare('DELETE FROM candle_sets WHERE id = ?'),
      // Index seeks, not aggregates over the tail: an append pays O(log n) for them.
      tailLast: db.prepare('SELECT ts FROM candle_tail WHERE set_id = ? ORDER BY ts DESC LIMIT 1'),
      // What an append needs in one statement (tail's last, tail's first, chunks' last): three index seeks.
      appendAt: db.prepare<[number, number, number], [number | null, number | null, number | null]>(
        `SELECT (SELECT ts FROM candle_tail WHERE set_id = ? ORDER BY ts DESC LIMIT 1), (SELECT ts FROM candle_tail WHERE set_id = ? ORDER BY ts LIMIT 1),
           (SELECT last_ts FROM candle_chunks WHERE set_id = ? ORDER BY chunk_start DESC LIMIT 1)`,
      ).raw(true),
      tailAdd: db.prepare('INSERT INTO candle_tail (set_id, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      tailAll: db.prepare<[number], number[]>('SELECT ts, open, high, low, close, volume FROM candle_tail WHERE set_id = ? ORDER BY ts').raw(true),
      tailRange: db.prepare<[number, number, number], number[]>('SELECT ts, open, high, low, close, volume FROM candle_tail WHERE set_id = ? AND ts >= ? AND ts < ? ORDER BY ts').raw(true),
      tailClear: db.prepare('DELETE FROM candle_tail WHERE set_id = ?'),
    };
  }

  /**
   * Inserts or replaces candles by timestamp, in one transaction (all or nothing). Input need not be
   * sorted; a timestamp given twice keeps its last occurrence. Returns how many candles were given and
   * how many chunks were (re)written.
   */
  upsert(key: CandleKey, input: CandleColumnsInput): { candles: number; chunks: number } {
    checkKey(key);
    const tfMs = timeframeMs(key.timeframe);
    const cols = normalise(input);
    if (cols.ts.length === 0) return { candles: 0, chunks: 0 };
    return guarded(`upsert candles ${key.source} ${key.symbol} ${key.timeframe}`, () =>
      this.db.transaction(() => {
        const setId = this.ensureSet(key, tfMs);
        this.fold(setId, tfMs);
        return this.put(setId, tfMs, cols);
      }).immediate(),
    );
  }

  /**
   * Several datasets' upserts in one transaction (one commit: live bars of every market of a connection at
   * once). Each item is checked before anything is written, so a bad item fails alone: its entry in the
   * result is its error, the others are written. A failed write or commit throws (then nothing was written).
   * Candles that all follow the dataset's last one are appended to its tail (no chunk rewritten).
   */
  upsertMany(items: readonly { readonly key: CandleKey; readonly columns: CandleColumnsInput }[]): (KestrelError | null)[] {
    const checked = items.map(({ key, columns }) => {
      try {
        checkKey(key);
        return { key, tfMs: timeframeMs(key.timeframe), cols: normalise(columns) };
      } catch (e) {
        return toStorageError(e, `upsert candles ${key?.source} ${key?.symbol} ${key?.timeframe}`);
      }
    });
    try {
      guarded('upsert candles', () => this.appendAll.immediate(checked));
    } catch (e) {
      this.setIds.clear();
      throw e;
    }
    return checked.map((c) => (c instanceof KestrelError ? c : null));
  }

  /**
   * Candles with from <= ts < to, ascending, as fresh Float64Array columns; `shared`: in SharedArrayBuffers
   * (read once into memory worker threads can use without a copy).
   */
  range(key: CandleKey, from = Number.MIN_SAFE_INTEGER, to = Number.MAX_SAFE_INTEGER, opts: { shared?: boolean } = {}): StoredCandles {
    checkKey(key);
    const intervalMs = timeframeMs(key.timeframe);
    if (Number.isNaN(from) || Number.isNaN(to)) throw new ValidationError('Candle range bounds must be numbers', [{ path: Number.isNaN(from) ? 'from' : 'to', message: 'NaN' }]);
    const set = this.st.setId.get(key.source, key.symbol, key.timeframe);
    if (!set || !(to > from)) return { ...alloc(0), length: 0, intervalMs };
    const span = set.tf_ms * CHUNK_CANDLES;
    const lo = Math.max(Number.MIN_SAFE_INTEGER, Math.floor(from / span) * span);
    // One read transaction: a fold between the two queries would show its candles twice or not at all.
    const [rows, tail] = guarded('read candles', () => this.db.transaction(() => [this.st.range.all(set.id, lo, to, from, to), this.st.tailRange.all(set.id, from, to)] as const).deferred());
    const bounds = new Int32Array(rows.length * 2);
    let total = 0;
    rows.forEach((r, k) => {
      const ts = f64(r.ts);
      const a = ts[0]! >= from ? 0 : lowerBound(ts, from);
      const b = ts[r.n - 1]! < to ? r.n : lowerBound(ts, to);
      bounds[2 * k] = a;
      bounds[2 * k + 1] = b;
      total += b - a;
    });
    const out = alloc(total + tail.length, opts.shared);
    let at = 0;
    rows.forEach((r, k) => {
      const a = bounds[2 * k]!;
      const b = bounds[2 * k + 1]!;
      if (b <= a) return;
      for (const f of FIELDS) new Uint8Array(out[f].buffer, at * 8, (b - a) * 8).set(r[f].subarray(a * 8, b * 8));
      at += b - a;
    });
    for (const r of tail) {
      FIELDS.forEach((f, c) => (out[f][at] = r[c]!));
      at++;
    }
    return { ...out, length: at, intervalMs };
  }

  /** Last stored timestamp of a dataset (where a backfill resumes), or undefined when empty. */
  lastTs(key: CandleKey): number | undefined {
    const set = this.st.setId.get(key.source, key.symbol, key.timeframe);
    if (!set) return undefined;
    return guarded('read last candle', () => this.db.transaction(() => this.lastOf(set.id)).deferred());
  }

  private lastOf(setId: number): number | undefined {
    return this.st.tailLast.get(setId)?.ts ?? this.st.lastTs.get(setId)?.last_ts;
  }

  datasets(): DatasetInfo[] {
    return guarded('list datasets', () => this.st.datasets.all());
  }

  dataset(key: CandleKey): DatasetInfo | undefined {
    return this.datasets().find((d) => d.source === key.source && d.symbol === key.symbol && d.timeframe === key.timeframe);
  }

  /** Deletes a whole dataset; returns true if it existed. */
  remove(key: CandleKey): boolean {
    const set = this.st.setId.get(key.source, key.symbol, key.timeframe);
    if (!set) return false;
    this.setIds.clear();
    guarded('remove dataset', () => this.st.removeSet.run(set.id));
    return true;
  }

  /** Appends to the tail when every candle follows the dataset's last one, else folds and merges; in the caller's transaction. */
  private append(key: CandleKey, tfMs: number, cols: CandleColumns): void {
    const setId = this.appendSet(key, tfMs);
    const [tailLast, tailFirst, chunkLast] = this.st.appendAt.get(setId, setId, setId)!;
    const last = tailLast ?? chunkLast ?? undefined;
    if (last !== undefined && !(cols.ts[0]! > last)) {
      this.fold(setId, tfMs);
      this.put(setId, tfMs, cols);
      return;
    }
    for (let i = 0; i < cols.ts.length; i++) this.st.tailAdd.run(setId, cols.ts[i]!, cols.open[i]!, cols.high[i]!, cols.low[i]!, cols.close[i]!, cols.volume[i]!);
    // Rows are unique by ts, so the span bounds their count (a tail with gaps folds a little early).
    const first = tailFirst ?? cols.ts[0]!;
    if ((cols.ts[cols.ts.length - 1]! - first) / tfMs + 1 >= TAIL_FOLD) this.fold(setId, tfMs);
  }

  /** Moves a dataset's tail into its chunks (before any write that is not an append, and every TAIL_FOLD rows). */
  private fold(setId: number, tfMs: number): void {
    const rows = this.st.tailAll.all(setId);
    if (rows.length === 0) return;
    const cols = alloc(rows.length);
    rows.forEach((r, i) => FIELDS.forEach((f, c) => (cols[f][i] = r[c]!)));
    this.put(setId, tfMs, cols);
    this.st.tailClear.run(setId);
  }

  /** Writes normalised, non-empty columns into their chunks; runs inside the caller's transaction. */
  private put(setId: number, tfMs: number, cols: CandleColumns): { candles: number; chunks: number } {
    const n = cols.ts.length;
    const span = tfMs * CHUNK_CANDLES;
    let chunks = 0;
    let i = 0;
    while (i < n) {
      const start = Math.floor(cols.ts[i]! / span) * span;
      let j = i + 1;
      while (j < n && cols.ts[j]! < start + span) j++;
      const incoming = slice(cols, i, j);
      const existing = this.st.chunk.get(setId, start);
      this.write(setId, start, existing ? merge(fromRow(existing), incoming) : incoming);
      chunks++;
      i = j;
    }
    return { candles: n, chunks };
  }

  private ensureSet(key: CandleKey, tfMs: number): number {
    this.st.addSet.run(key.source, key.symbol, key.timeframe, tfMs);
    return this.st.setId.get(key.source, key.symbol, key.timeframe)!.id;
  }

  /**
   * ensureSet for the appends, remembered per dataset (two statements fewer per market and commit). Forgotten
   * on remove() and after any failed write, so a dataset removed by another connection is looked up again.
   */
  private appendSet(key: CandleKey, tfMs: number): number {
    const k = `${key.source}\u0000${key.symbol}\u0000${key.timeframe}`;
    let id = this.setIds.get(k);
    if (id === undefined) {
      id = this.ensureSet(key, tfMs);
      this.setIds.set(k, id);
    }
    return id;
  }

  private write(setId: number, start: number, c: CandleColumns): void {
    const n = c.ts.length;
    this.st.put.run(setId, start, n, c.ts[0]!, c.ts[n - 1]!, blob(c.ts), blob(c.open), blob(c.high), blob(c.low), blob(c.close), blob(c.volume));
  }
}

function checkKey(key: CandleKey): void {
  for (const k of ['source', 'symbol', 'timeframe'] as const) {
    if (typeof key?.[k] !== 'string' || key[k].length === 0) throw new ValidationError(`Candle dataset ${k} must be a non-empty string`, [{ path: k, message: 'required' }]);
  }
}

/** Validates and returns sorted, unique-by-ts Float64Array columns (the caller's arrays themselves when already so). */
function normalise(input: CandleColumnsInput): CandleColumns {
  const n = input?.ts?.length;
  if (typeof n !== 'number') throw new ValidationError('Candle columns are missing ts', [{ path: 'ts', message: 'required' }]);
  for (const f of FIELDS) {
    const col = input[f];
    if (!col || col.length !== n) throw new ValidationError(`Candle column ${f} has length ${col?.length ?? 'none'}, expected ${n}`, [{ path: f, message: 'length mismatch' }]);
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      if (f === 'ts' ? !Number.isSafeInteger(v) : !Number.isFinite(v)) {
        throw new ValidationError(`Candle ${f}[${i}] is ${v}: ${f === 'ts' ? 'timestamps must be integer milliseconds' : 'prices and volumes must be finite numbers'}`, [{ path: `${f}.${i}`, message: 'invalid' }]);
      }
    }
  }
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (!(input.ts[i]! > input.ts[i - 1]!)) sorted = false;
  if (sorted && FIELDS.every((f) => input[f] instanceof Float64Array)) return input as CandleColumns; // read within this call only, never kept
  const out = alloc(n);
  if (sorted) {
    for (const f of FIELDS) out[f].set(input[f]);
    return out;
  }
  // Stable sort of indices by ts; of equal timestamps the last given wins.
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => input.ts[a]! - input.ts[b]! || a - b);
  let m = 0;
  for (let k = 0; k < n; k++) {
    if (k + 1 < n && input.ts[idx[k + 1]!] === input.ts[idx[k]!]) continue;
    for (const f of FIELDS) out[f][m] = input[f][idx[k]!]!;
    m++;
  }
  return m === n ? out : slice(out, 0, m);
}

function alloc(n: number, shared = false): CandleColumns {
  const col = (): Float64Array => (shared ? new Float64Array(new SharedArrayBuffer(n * 8)) : new Float64Array(n));
  return { ts: col(), open: col(), high: col(), low: col(), close: col(), volume: col() };
}

function slice(c: CandleColumns, a: number, b: number): CandleColumns {
  return { ts: c.ts.subarray(a, b), open: c.open.subarray(a, b), high: c.high.subarray(a, b), low: c.low.subarray(a, b), close: c.close.subarray(a, b), volume: c.volume.subarray(a, b) };
}

/** Sorted merge of two sorted, unique columns sets; on equal ts the incoming candle replaces the stored one. */
function merge(old: CandleColumns, inc: CandleColumns): CandleColumns {
  const out = alloc(old.ts.length + inc.ts.length);
  if (old.ts.length === 0 || inc.ts[0]! > old.ts[old.ts.length - 1]!) {
    // Appending (a live bar after the stored ones, the next page of a backfill): two block copies per column.
    for (const f of FIELDS) {
      out[f].set(old[f]);
      out[f].set(inc[f], old.ts.length);
    }
    return out;
  }
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < old.ts.length || j < inc.ts.length) {
    let src: CandleColumns;
    let at: number;
    if (j >= inc.ts.length || (i < old.ts.length && old.ts[i]! < inc.ts[j]!)) {
      src = old;
      at = i++;
    } else {
      if (i < old.ts.length && old.ts[i] === inc.ts[j]) i++;
      src = inc;
      at = j++;
    }
    for (const f of FIELDS) out[f][k] = src[f][at]!;
    k++;
  }
  return slice(out, 0, k);
}

function fromRow(r: ChunkRow): CandleColumns {
  return { ts: f64(r.ts), open: f64(r.open), high: f64(r.high), low: f64(r.low), close: f64(r.close), volume: f64(r.volume) };
}

/** A Float64Array over a BLOB: a view when aligned, else a copy. */
function f64(b: Buffer): Float64Array {
  if (b.byteOffset % 8 === 0) return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

function blob(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
