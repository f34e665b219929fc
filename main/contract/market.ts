/**
 * Market data over the contract: datasets, candle columns (aggregated by the host: the renderer never
 * computes), backfill with progress, CSV import/export, quality reports, the demo dataset and the
 * exchange catalogue. Synthetic data is flagged (`synthetic`, `label`) in every reply that carries data.
 */
import { z } from 'zod';
import { command, empty, event, finite, float64Array, id, req } from './define.ts';

const timeframe = () => z.string().regex(/^\d{1,4}[mhdDw]$/, 'e.g. 1m, 5m, 1h, 4h, 1d');
const ms = () => z.number().int().min(0).max(1e13);
const datasetKey = { source: id(), symbol: id(), timeframe: timeframe() };

export const DatasetSummary = z.object({
  source: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  firstTs: z.number(),
  lastTs: z.number(),
  count: z.number().int(),
  synthetic: z.boolean(),
  label: z.string().nullable(),
  /** Where the bars came from: the demo generator, an exchange (backfill, live streams), or a CSV the user imported. */
  origin: z.enum(['synthetic', 'exchange', 'import']),
});

export const CandleSeries = z.object({
  source: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  /** The stored timeframe the series was built from (aggregation happens in the host). */
  baseTimeframe: z.string(),
  synthetic: z.boolean(),
  label: z.string().nullable(),
  count: z.number().int(),
  ts: float64Array(),
  open: float64Array(),
  high: float64Array(),
  low: float64Array(),
  close: float64Array(),
  volume: float64Array(),
  /** 1 for forward-filled rows (only with fill = forward-fill), else absent. */
  filled: z.array(z.number().int()).optional(),
});

const SymbolProgress = z.object({ symbol: z.string(), state: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']), done: finite(), total: finite(), error: z.string().optional() });

export const BackfillProgressEvent = z.object({
  jobId: z.string(),
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  done: finite(),
  total: finite(),
  stored: finite(),
  rate: finite(),
  etaMs: finite().nullable(),
  symbols: z.array(SymbolProgress),
});

export const BackfillState = z.object({
  source: z.string(), symbol: z.string(), timeframe: z.string(), fromTs: z.number(), toTs: z.number(), cursorTs: z.number(),
  status: z.enum(['running', 'paused', 'done', 'failed']), message: z.string().nullable(), updatedAt: z.number(),
});

const RejectedRow = z.object({ row: z.number().int(), ts: z.number(), reason: z.string(), message: z.string() });

export const QualityReport = z.object({
  count: z.number().int(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  expected: z.number().int(),
  coverage: z.number(),
  rejected: z.object({ count: z.number().int(), rows: z.array(RejectedRow) }),
  duplicates: z.number().int(),
  conflictingDuplicates: z.number().int(),
  outOfOrder: z.number().int(),
  gaps: z.object({ count: z.number().int(), missing: z.number().int(), list: z.array(z.object({ from: z.number(), to: z.number(), missing: z.number().int() })) }),
  outliers: z.object({ count: z.number().int(), threshold: z.number(), median: z.number(), mad: z.number(), list: z.array(z.object({ row: z.number().int(), ts: z.number(), z: z.number(), kind: z.enum(['close', 'wick']) })) }),
  /** Rows marked synthetic (forward-filled) inside the dataset. */
  syntheticRows: z.number().int(),
  /** The whole dataset is synthetic demo data. */
  synthetic: z.boolean(),
  label: z.string().nullable(),
  contentHash: z.string(),
  ok: z.boolean(),
});

export const DemoStatus = z.object({
  state: z.enum(['absent', 'generating', 'ready', 'failed', 'disabled']),
  label: z.string(),
  symbols: z.array(z.string()),
  candles: z.number().int(),
  ms: z.number().nullable(),
  error: z.string().optional(),
});

export const ExchangeSummary = z.object({ id: z.string(), name: z.string(), pro: z.boolean(), timeframes: z.array(z.string()), has: z.record(z.string(), z.union([z.boolean(), z.literal('emulated')])) });

export const marketCommands = {
  'market.datasets': command('Stored candle datasets with their range, count and synthetic flag.', empty, z.array(DatasetSummary)),
  'market.candles': command(
    'Candles of a dataset in [from, to) as Float64Array columns; the host aggregates 1m data to the asked timeframe (1m..1d).',
    req({ ...datasetKey, from: ms().optional(), to: ms().optional(), fill: z.enum(['none', 'forward-fill']).optional() }),
    CandleSeries,
  ),
  'market.backfill.start': command(
    'Download candles from an exchange through ccxt into the store: paged, resumable, deduplicated; progress as market.backfill.progress events.',
    req({
      exchange: id(),
      symbols: z.array(id()).min(1).max(50),
      timeframe: timeframe(),
      from: ms(),
      to: ms(),
      source: id().optional(),
      /** A Binance-protocol endpoint on this machine (the loopback mock exchange), e.g. http://127.0.0.1:PORT. */
      endpoint: z.string().max(100).regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/, 'only http://127.0.0.1:PORT').optional(),
    }),
    z.object({ jobId: z.string() }),
  ),
  'market.backfill.cancel': command('Stop a running backfill; what is stored stays, and the next start resumes.', req({ jobId: id() }), z.object({ cancelled: z.boolean() })),
  'market.backfill.list': command('Saved backfill cursors per dataset (where a restart resumes).', empty, z.array(BackfillState)),
  'market.import': command(
    'Import candles from CSV text (timestamps ms, s or ISO; header optional): all rows validated first, nothing stored unless all are good.',
    req({ ...datasetKey, csv: z.string().max(64 * 1024 * 1024), timestamps: z.enum(['auto', 'ms', 's', 'iso']).optional(), header: z.boolean().optional() }),
    z.object({ rows: z.number().int(), stored: z.number().int(), duplicates: z.number().int(), outOfOrder: z.number().int(), first: z.number(), last: z.number(), contentHash: z.string() }),
  ),
  'market.export': command(
    'Export a dataset (or its aggregation) as CSV text; synthetic data carries its label as a comment line.',
    req({ ...datasetKey, from: ms().optional(), to: ms().optional(), timestamps: z.enum(['ms', 's', 'iso']).optional(), header: z.boolean().optional() }),
    z.object({ csv: z.string(), rows: z.number().int() }),
  ),
  'market.quality': command(
    'Quality report of a stored dataset: gaps, duplicates, out-of-order rows, outliers (robust z), invalid rows, content hash.',
    req({ ...datasetKey, threshold: finite().positive().max(1000).optional() }),
    QualityReport,
  ),
  'market.demo.status': command('State of the embedded synthetic demo dataset (generated on first start).', empty, DemoStatus),
  'market.exchanges': command('Every exchange ccxt supports, with its market-data capabilities.', empty, z.array(ExchangeSummary)),
  'market.exchange.info': command('One exchange with its full ccxt `has` map.', req({ exchange: id() }), ExchangeSummary),
};

export const marketEvents = {
  'market.backfill.progress': event('Backfill progress: done/total candle slots, rate, ETA, per-symbol state.', BackfillProgressEvent),
};
