/**
 * The host's market-data service: datasets, candle queries (aggregated by the host, returned as
 * Float64Array columns), CSV import/export, quality reports, backfill jobs and the embedded demo dataset.
 * Handlers and the CLI both go through it, so the rules (validation gate, synthetic labelling) hold on
 * every path.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import type { TradingCalendar } from '../../core/data/calendar.ts';
import { openMarket, type MarketStores, type CandleKey } from '../../storage/index.ts';
import type { VenueOptions } from '../../venues/ccxt/index.ts';
import { startBackfill, type BackfillJob, type BackfillProgressEvent, type BackfillRequest } from './backfill.ts';
import {
  aggregateColumns, contentHash, DEFAULT_DEMO_SYMBOLS, DEMO_DEFAULTS, DEMO_EXCHANGE, DEMO_LABEL, fillGaps, generateDemoCandles, parseCandlesCsv,
  prepareForStore, qualityReport, serialiseCandlesCsv, sliceColumns, timeframeMs, type FillPolicy, type OhlcvColumns, type QualityReport,
} from './columns.ts';
import { VenuePool } from '../venues/pool.ts';
import { fileSha256, readCandlesCsvFile } from './csv-file.ts';
import { describeDetected, type TimestampFormat } from '../../core/data/csv.ts';

/** node:crypto's SHA-256 (same digest as the pure one in core, several times faster). */
export const nodeSha256 = () => {
  const h = createHash('sha256');
  return { update: (b: Uint8Array) => h.update(b), digest: () => new Uint8Array(h.digest()) };
};

export interface DatasetSummary extends CandleKey {
  readonly firstTs: number;
  readonly lastTs: number;
  readonly count: number;
  readonly synthetic: boolean;
  readonly label: string | null;
  /** Where the bars came from: the demo generator, an exchange (backfill, live streams), or a CSV of the user's. */
  readonly origin: 'synthetic' | 'exchange' | 'import';
}

export interface ImportResult {
  readonly rows: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly first: number;
  readonly last: number;
  readonly contentHash: string;
}

export type DemoState = 'absent' | 'generating' | 'ready' | 'failed' | 'disabled';

export interface DemoStatus {
  readonly state: DemoState;
  readonly label: string;
  readonly symbols: readonly string[];
  readonly candles: number;
  readonly ms: number | null;
  readonly error?: string;
}

const isSynthetic = (source: string) => source === DEMO_EXCHANGE;

export class MarketService {
  readonly stores: MarketStores;
  /** The host's venue connections (shared with every service that talks to a venue). */
  readonly venues: VenuePool;
  private readonly ownsVenues: boolean;
  private readonly jobs = new Map<string, BackfillJob>();
  private demo: DemoStatus = { state: 'absent', label: DEMO_LABEL, symbols: DEFAULT_DEMO_SYMBOLS.map((s) => s.symbol), candles: 0, ms: null };
  private demoRun: Promise<DemoStatus> | undefined;

  constructor(stores: MarketStores, venues?: VenuePool) {
    this.stores = stores;
    this.venues = venues ?? new VenuePool();
    this.ownsVenues = venues === undefined;
  }

  static open(file: string, venues?: VenuePool): MarketService {
    return new MarketService(openMarket(file), venues);
  }

  datasets(): DatasetSummary[] {
    const imported = this.stores.csvImports.importedKeys();
    return this.stores.candles.datasets().map((d) => {
      const synthetic = isSynthetic(d.source);
      const origin = synthetic ? 'synthetic' : imported.has(`${d.source}|${d.symbol}|${d.timeframe}`) ? 'import' : 'exchange';
      return { ...d, synthetic, label: synthetic ? DEMO_LABEL : null, origin };
    });
  }

  /**
   * Candles in [from, to) at `timeframe`. Served from the dataset stored at that timeframe when there is one,
   * otherwise aggregated from the 1m dataset of the same source and symbol. `closedOnly` leaves out a last
   * aggregated bar whose minutes are not all stored yet (a bar still forming: the chart shows it, a backtest
   * must not treat it as closed, and it changes as the feed stores more minutes).
   */
  candles(q: { source: string; symbol: string; timeframe: string; from?: number; to?: number; fill?: FillPolicy; closedOnly?: boolean; shared?: boolean }): { columns: OhlcvColumns; baseTimeframe: string; synthetic: boolean } {
    const tfMs = timeframeMs(q.timeframe);
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const to = q.to ?? Number.MAX_SAFE_INTEGER;
    const exact = this.stores.candles.dataset({ source: q.source, symbol: q.symbol, timeframe: q.timeframe });
    let columns: OhlcvColumns;
    let base = q.timeframe;
    // `shared`: stored candles read straight into SharedArrayBuffers (for the worker pool, no copy).
    if (exact) columns = this.stores.candles.range({ source: q.source, symbol: q.symbol, timeframe: q.timeframe }, from, to, q.shared ? { shared: true } : {});
    else {
      const one = this.stores.candles.dataset({ source: q.source, symbol: q.symbol, timeframe: '1m' });
      if (!one) throw new NotFoundError('dataset', `${q.source} ${q.symbol} ${q.timeframe}`);
      base = '1m';
      // [from, to) bounds the bars' open times: each bar is built from all of its minutes, also the last one.
      const lo = from === Number.MIN_SAFE_INTEGER ? from : from - (from % tfMs);
      const hi = to === Number.MAX_SAFE_INTEGER ? to : to - 1 - ((to - 1) % tfMs) + tfMs;
      const minutes = this.stores.candles.range({ source: q.source, symbol: q.symbol, timeframe: '1m' }, lo, hi);
      columns = aggregateColumns(minutes, tfMs);
      const n = columns.ts.length;
      if (q.closedOnly && n > 0 && minutes.ts[minutes.ts.length - 1]! + 60_000 < columns.ts[n - 1]! + tfMs) columns = sliceColumns(columns, 0, n - 1);
    }
    if (q.fill && q.fill !== 'none') columns = fillGaps(columns, tfMs, q.fill);
    return { columns, baseTimeframe: base, synthetic: isSynthetic(q.source) };
  }

  /** `calendar`: when the market trades (closed days and hours are not gaps); default around the clock. */
  quality(key: CandleKey, opts: { threshold?: number; calendar?: TradingCalendar } = {}): QualityReport & { synthetic: boolean; label: string | null } {
    if (!this.stores.candles.dataset(key)) throw new NotFoundError('dataset', `${key.source} ${key.symbol} ${key.timeframe}`);
    const cols = this.stores.candles.range(key);
    const r = qualityReport(cols, { tfMs: timeframeMs(key.timeframe), hasher: nodeSha256, ...(opts.threshold !== undefined ? { threshold: opts.threshold } : {}), ...(opts.calendar ? { calendar: opts.calendar } : {}) });
    return { ...r, synthetic: isSynthetic(key.source), label: isSynthetic(key.source) ? DEMO_LABEL : null };
  }

  /** All or nothing: parse + validate the whole file first, then one upsert transaction. */
  importCsv(key: CandleKey, text: string, opts: { timestamps?: 'auto' | 'ms' | 's' | 'iso'; header?: boolean } = {}): ImportResult {
    if (isSynthetic(key.source)) throw new ValidationError(`Source "${DEMO_EXCHANGE}" is reserved for the synthetic demo data`, [{ path: 'source', message: 'reserved' }]);
    const tfMs = timeframeMs(key.timeframe);
    const parsed = parseCandlesCsv(text, { tfMs, ...(opts.timestamps ? { timestamps: opts.timestamps } : {}), ...(opts.header !== undefined ? { header: opts.header } : {}) });
    const r = this.importColumns(key, parsed.columns);
    // Recorded as a file import (by the hash of its text) so the dataset is known as the user's data, not a market's.
    const fileHash = createHash('sha256').update(text).digest('hex');
    this.stores.csvImports.record({ fileHash, ...key, rows: r.stored, firstTs: r.first, lastTs: r.last, contentHash: r.contentHash, detected: describeDetected(parsed.detected), importedAt: Date.now() });
    return r;
  }

  /** Candles already parsed and row-checked (a CSV file streamed by the CLI): normalised, then one upsert transaction. */
  importColumns(key: CandleKey, parsed: OhlcvColumns): ImportResult {
    if (isSynthetic(key.source)) throw new ValidationError(`Source "${DEMO_EXCHANGE}" is reserved for the synthetic demo data`, [{ path: 'source', message: 'reserved' }]);
    const tfMs = timeframeMs(key.timeframe);
    const { columns, stats } = prepareForStore(parsed, tfMs, 'CSV rows');
    this.stores.candles.upsert(key, columns);
    return { rows: stats.input, stored: stats.output, duplicates: stats.duplicates, outOfOrder: stats.outOfOrder, first: columns.ts[0]!, last: columns.ts[columns.ts.length - 1]!, contentHash: contentHash(columns, nodeSha256) };
  }

  /**
   * A CSV file from disk: the store answers when this very file (same bytes) was imported into this dataset
   * and the stored candles over its range are still exactly what it gave (same count and content hash);
   * otherwise it is parsed, row-checked, imported and recorded. Nothing is stored from a bad file.
   */
  importCsvFile(key: CandleKey, path: string, opts: { timestamps?: TimestampFormat; header?: boolean } = {}): ImportResult & { detected: string; answeredByStore: boolean } {
    if (isSynthetic(key.source)) throw new ValidationError(`Source "${DEMO_EXCHANGE}" is reserved for the synthetic demo data`, [{ path: 'source', message: 'reserved' }]);
    const tfMs = timeframeMs(key.timeframe);
    const fileHash = fileSha256(path);
    const seen = this.stores.csvImports.find(fileHash, key);
    if (seen) {
      const now = this.stores.candles.range(key, seen.firstTs, seen.lastTs + 1);
      if (now.ts.length === seen.rows && contentHash(sliceColumns(now, 0, now.length), nodeSha256) === seen.contentHash) {
        return { rows: seen.rows, stored: 0, duplicates: 0, outOfOrder: 0, first: seen.firstTs, last: seen.lastTs, contentHash: seen.contentHash, detected: seen.detected, answeredByStore: true };
      }
    }
    const csv = readCandlesCsvFile(path, { tfMs, ...(opts.timestamps ? { timestamps: opts.timestamps } : {}), ...(opts.header !== undefined ? { header: opts.header } : {}) });
    const r = this.importColumns(key, csv.columns);
    const detected = describeDetected(csv.detected);
    this.stores.csvImports.record({ fileHash, ...key, rows: r.stored, firstTs: r.first, lastTs: r.last, contentHash: r.contentHash, detected, importedAt: Date.now() });
    return { ...r, detected, answeredByStore: false };
  }

  exportCsv(q: { source: string; symbol: string; timeframe: string; from?: number; to?: number; timestamps?: 'ms' | 's' | 'iso'; header?: boolean }): { csv: string; rows: number } {
    const { columns, synthetic } = this.candles(q);
    const csv = serialiseCandlesCsv(columns, { timestamps: q.timestamps ?? 'ms', header: q.header ?? true, ...(synthetic ? { comments: [DEMO_LABEL] } : {}) });
    return { csv, rows: columns.ts.length };
  }

  // ── backfill ──────────────────────────────────────────────────────────────────────────────────────────

  startBackfill(req: Omit<BackfillRequest, 'source'> & { source?: string; venue: VenueOptions }, onProgress?: (e: BackfillProgressEvent) => void): BackfillJob {
    if (req.symbols.length === 0) throw new ValidationError('No symbols to backfill', [{ path: 'symbols', message: 'at least one' }]);
    if (!(req.to > req.from)) throw new ValidationError('Backfill range is empty (to must be after from)', [{ path: 'to', message: 'must be > from' }]);
    const venue = this.venues.get(req.venue);
    const job = startBackfill({ ...req, source: req.source ?? req.venue.exchange }, { venue, candles: this.stores.candles, progress: this.stores.backfill, ...(onProgress ? { onProgress } : {}) });
    this.jobs.set(job.id, job);
    void job.result.finally(() => this.jobs.delete(job.id)).catch(() => {});
    return job;
  }

  cancelBackfill(jobId: string): boolean {
    const j = this.jobs.get(jobId);
    if (!j) return false;
    j.cancel();
    return true;
  }

  backfillStates() {
    return this.stores.backfill.list();
  }

  // ── demo data ─────────────────────────────────────────────────────────────────────────────────────────

  demoStatus(): DemoStatus {
    if (this.demo.state === 'absent' || this.demo.state === 'ready') {
      const have = this.datasets().filter((d) => d.source === DEMO_EXCHANGE && d.timeframe === '1m');
      if (have.length) this.demo = { ...this.demo, state: 'ready', symbols: have.map((d) => d.symbol), candles: have.reduce((s, d) => s + d.count, 0) };
    }
    return this.demo;
  }

  /**
   * Generates the demo dataset into the market database unless it is there already. Columnar generation,
   * one upsert transaction per symbol, the event loop released between symbols.
   */
  /**
   * The demo history ends at the current minute (or `end`), so the paper session's live prices continue
   * it without a gap and every timestamp a trader sees is today's.
   */
  ensureDemo(opts: { days?: number; seed?: number; end?: number } = {}): Promise<DemoStatus> {
    if (this.demoStatus().state === 'ready') return Promise.resolve(this.demo);
    this.demoRun ??= (async () => {
      const t0 = performance.now();
      this.demo = { ...this.demo, state: 'generating' };
      try {
        await yieldLoop();
        const days = opts.days ?? DEMO_DEFAULTS.days;
        const end = Math.floor((opts.end ?? Date.now()) / 60_000) * 60_000;
        const data = generateDemoCandles({ days, seed: opts.seed ?? DEMO_DEFAULTS.seed, start: end - days * 86_400_000 });
        let candles = 0;
        for (const [symbol, cols] of data) {
          await yieldLoop();
          this.stores.candles.upsert({ source: DEMO_EXCHANGE, symbol, timeframe: '1m' }, cols);
          candles += cols.ts.length;
        }
        this.demo = { state: 'ready', label: DEMO_LABEL, symbols: [...data.keys()], candles, ms: performance.now() - t0 };
      } catch (e) {
        this.demo = { ...this.demo, state: 'failed', error: e instanceof Error ? e.message : String(e) };
      } finally {
        this.demoRun = undefined;
      }
      return this.demo;
    })();
    return this.demoRun;
  }

  disableDemo(): void {
    if (this.demo.state === 'absent') this.demo = { ...this.demo, state: 'disabled' };
  }

  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.cancel();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.result));
    await this.demoRun?.catch(() => {});
    if (this.ownsVenues) await this.venues.close();
    if (this.stores.db.open) this.stores.db.close();
  }
}
