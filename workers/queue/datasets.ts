/**
 * Datasets travel by content hash: the desktop packs a sweep's candles once into one blob (a JSON header line,
 * then the columns as little-endian float64), named by the SHA-256 of its bytes. A worker fetches a blob it
 * does not hold, checks the hash before using a byte of it, and keeps it for the next task of the sweep.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { OhlcvColumns } from '../../main/core/data/candles.ts';
import { KestrelError } from '../../main/core/errors.ts';
import { sharedFloat64 } from '../pool.ts';
import type { DatasetInput } from '../backtest/types.ts';

const COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

const Header = z.object({ symbol: z.string().min(1).max(64), source: z.string().max(256), rows: z.number().int().min(0).max(50_000_000), synthetic: z.boolean() }).strict();

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export interface PackedDataset {
  readonly hash: string;
  readonly bytes: Buffer;
}

export function packDataset(d: DatasetInput): PackedDataset {
  const n = d.columns.ts.length;
  const head = Buffer.from(`${JSON.stringify({ symbol: d.symbol, source: d.source, rows: n, synthetic: !!d.columns.synthetic })}\n`);
  // The columns start at a multiple of 8 so a worker can view them without copying byte by byte.
  const pad = (8 - (head.length % 8)) % 8;
  const body = Buffer.alloc(pad + n * 8 * COLUMNS.length + (d.columns.synthetic ? n : 0));
  let at = pad;
  for (const k of COLUMNS) {
    const col = d.columns[k];
    for (let i = 0; i < n; i++, at += 8) body.writeDoubleLE(col[i]!, at);
  }
  if (d.columns.synthetic) body.set(d.columns.synthetic, at);
  const bytes = Buffer.concat([head, body]);
  return { hash: sha256Hex(bytes), bytes };
}

/** Unpacks a blob whose hash was already checked; any inconsistency is a typed error, never a partial dataset. */
export function unpackDataset(bytes: Uint8Array): DatasetInput {
  const nl = bytes.indexOf(10);
  if (nl < 0 || nl > 4096) throw bad('no header line');
  let header: z.infer<typeof Header>;
  try {
    header = Header.parse(JSON.parse(Buffer.from(bytes.subarray(0, nl)).toString('utf8')));
  } catch (e) {
    throw bad(`unreadable header (${(e as Error).message})`);
  }
  const start = nl + 1 + ((8 - ((nl + 1) % 8)) % 8);
  const n = header.rows;
  const need = start + n * 8 * COLUMNS.length + (header.synthetic ? n : 0);
  if (bytes.length !== need) throw bad(`${bytes.length} bytes where ${need} were announced`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cols: Record<string, Float64Array> = {};
  let at = start;
  for (const k of COLUMNS) {
    const col = new Float64Array(new SharedArrayBuffer(n * 8));
    for (let i = 0; i < n; i++, at += 8) col[i] = view.getFloat64(at, true);
    cols[k] = col;
  }
  const columns: OhlcvColumns = { ts: cols.ts!, open: cols.open!, high: cols.high!, low: cols.low!, close: cols.close!, volume: cols.volume!, ...(header.synthetic ? { synthetic: new Uint8Array(bytes.subarray(at, at + n)) } : {}) };
  return { symbol: header.symbol, source: header.source, columns };
}

function bad(why: string): KestrelError {
  return new KestrelError('data_quality', `dataset blob refused: ${why}`);
}

/** Copies columns into shared memory (pool threads then read them without a copy per task). */
export function shareColumns(c: OhlcvColumns): OhlcvColumns {
  return { ts: sharedFloat64(c.ts), open: sharedFloat64(c.open), high: sharedFloat64(c.high), low: sharedFloat64(c.low), close: sharedFloat64(c.close), volume: sharedFloat64(c.volume), ...(c.synthetic ? { synthetic: c.synthetic } : {}) };
}

/**
 * A worker's cache of verified datasets by hash, most recently used kept, bounded by total rows (a sweep uses
 * one or a few datasets; a worker serving many desktops should not grow without bound).
 */
export class DatasetCache {
  private readonly entries = new Map<string, { data: Promise<DatasetInput>; rows: number }>();
  /** Blobs fetched and verified (diagnostics and tests: a dataset is fetched once per worker). */
  fetched = 0;

  private readonly maxRows: number;

  constructor(maxRows = 20_000_000) {
    this.maxRows = maxRows;
  }

  get(hash: string, load: () => Promise<Uint8Array | null>): Promise<DatasetInput> {
    const hit = this.entries.get(hash);
    if (hit) {
      this.entries.delete(hash);
      this.entries.set(hash, hit);
      return hit.data;
    }
    const entry = { data: this.fetch(hash, load), rows: 0 };
    this.entries.set(hash, entry);
    entry.data.then(
      (d) => {
        entry.rows = d.columns.ts.length;
        this.evict(hash);
      },
      () => this.entries.delete(hash),
    );
    return entry.data;
  }

  private async fetch(hash: string, load: () => Promise<Uint8Array | null>): Promise<DatasetInput> {
    const bytes = await load();
    if (!bytes) throw new KestrelError('not_found', `dataset ${hash.slice(0, 12)} is not on the queue (expired, or the queue was restarted); the desktop re-publishes it`, { retryable: true });
    const got = sha256Hex(bytes);
    if (got !== hash) throw new KestrelError('data_quality', `dataset ${hash.slice(0, 12)} arrived with hash ${got.slice(0, 12)}: refused`);
    this.fetched++;
    return unpackDataset(bytes);
  }

  /** Drops the least recently used datasets (never `keep`, the one just loaded) while over the bound. */
  private evict(keep: string): void {
    let total = 0;
    for (const e of this.entries.values()) total += e.rows;
    for (const [k, e] of this.entries) {
      if (total <= this.maxRows) return;
      if (k === keep || e.rows === 0) continue;
      this.entries.delete(k);
      total -= e.rows;
    }
  }
}
