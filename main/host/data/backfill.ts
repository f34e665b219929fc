/**
 * Backfill: (exchange, symbols, timeframe, [from, to)) → the candle store. Pages of up to `pageLimit`
 * candles; symbols in parallel (the venue's shared limiter keeps the total inside the rate limit);
 * every page is validated (a bad row fails the symbol with its reason, nothing of that page is stored),
 * normalised (duplicates and out-of-order rows from the wire are fixed), upserted (idempotent), and only
 * THEN the cursor is saved. A kill between the two re-fetches one page, which the upsert absorbs: so a
 * restart resumes where it stopped and never duplicates.
 */
import { CancelledError, KestrelError } from '../../core/errors.ts';
import { prepareForStore, sliceColumns, timeframeMs, lowerBound } from './columns.ts';
import type { BackfillProgress, CandleStore } from '../../storage/index.ts';
import type { CcxtVenue } from '../../venues/ccxt/index.ts';

export interface BackfillRequest {
  readonly source: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly from: number;
  readonly to: number;
  readonly pageLimit?: number;
  /** Symbols fetched at once (default: all). */
  readonly concurrency?: number;
}

export type BackfillSymbolState = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BackfillProgressEvent {
  readonly jobId: string;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
  /** Candle slots covered (grid timestamps from..cursor), across symbols. */
  readonly done: number;
  readonly total: number;
  /** Candles stored so far by this run. */
  readonly stored: number;
  /** Slots per second over this run. */
  readonly rate: number;
  readonly etaMs: number | null;
  readonly symbols: readonly { readonly symbol: string; readonly state: BackfillSymbolState; readonly done: number; readonly total: number; readonly error?: string }[];
}

export interface BackfillDeps {
  readonly venue: CcxtVenue;
  readonly candles: CandleStore;
  readonly progress: BackfillProgress;
  readonly now?: () => number;
  readonly onProgress?: (e: BackfillProgressEvent) => void;
  /** Min ms between progress events (the last one is always sent). */
  readonly progressEveryMs?: number;
}

export interface BackfillJob {
  readonly id: string;
  readonly result: Promise<BackfillProgressEvent>;
  cancel(): void;
}

let seq = 0;

export function startBackfill(req: BackfillRequest, deps: BackfillDeps): BackfillJob {
  const tfMs = timeframeMs(req.timeframe);
  const from = Math.ceil(req.from / tfMs) * tfMs;
  const to = Math.ceil(req.to / tfMs) * tfMs;
  const id = `bf-${Date.now().toString(36)}-${(++seq).toString(36)}`;
  const abort = new AbortController();
  const now = deps.now ?? Date.now;
  const started = performance.now();
  const perSymbolTotal = Math.max(0, (to - from) / tfMs);
  const syms = req.symbols.map((symbol) => ({ symbol, state: 'pending' as BackfillSymbolState, done: 0, total: perSymbolTotal, error: undefined as string | undefined }));
  let stored = 0;
  let doneAtStart = -1;
  let lastEmit = 0;

  const snapshot = (state: BackfillProgressEvent['state']): BackfillProgressEvent => {
    const done = syms.reduce((s, x) => s + x.done, 0);
    const total = syms.reduce((s, x) => s + x.total, 0);
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? Math.max(0, done - Math.max(0, doneAtStart)) / secs : 0;
    return {
      jobId: id, state, done, total, stored, rate,
      etaMs: state !== 'running' ? 0 : rate > 0 ? ((total - done) / rate) * 1000 : null,
      symbols: syms.map((s) => ({ symbol: s.symbol, state: s.state, done: s.done, total: s.total, ...(s.error ? { error: s.error } : {}) })),
    };
  };
  const emit = (force = false) => {
    const t = performance.now();
    if (!force && t - lastEmit < (deps.progressEveryMs ?? 200)) return;
    lastEmit = t;
    deps.onProgress?.(snapshot('running'));
  };

  const runSymbol = async (s: (typeof syms)[number]) => {
    const key = { source: req.source, symbol: s.symbol, timeframe: req.timeframe };
    const saved = deps.progress.get(key);
    // Resume only from a contiguous stored prefix that covers our start.
    const resumable = saved && saved.fromTs <= from && saved.cursorTs > from;
    let cursor = resumable ? Math.min(saved.cursorTs, to) : from;
    const rangeFrom = resumable ? saved.fromTs : from;
    s.done = (cursor - from) / tfMs;
    s.state = 'running';
    const save = (status: 'running' | 'paused' | 'done' | 'failed', message: string | null) =>
      deps.progress.save({ ...key, fromTs: rangeFrom, toTs: Math.max(to, resumable ? saved.toTs : to), cursorTs: cursor, status, message, updatedAt: now() });
    try {
      while (cursor < to) {
        if (abort.signal.aborted) throw new CancelledError();
        const page = await deps.venue.fetchCandles(s.symbol, req.timeframe, cursor, req.pageLimit ?? 1000, abort.signal);
        if (abort.signal.aborted) throw new CancelledError();
        const { columns } = prepareForStore(page, tfMs, `candles from ${req.source} ${s.symbol}`);
        const a = lowerBound(columns.ts, cursor);
        const b = lowerBound(columns.ts, to);
        if (b > a) {
          const part = sliceColumns(columns, a, b);
          deps.candles.upsert(key, part);
          stored += b - a;
          cursor = part.ts[b - a - 1]! + tfMs;
        } else if (columns.ts.length === 0 || columns.ts[columns.ts.length - 1]! < cursor) {
          // Nothing at or after the cursor: the venue has no more data in range.
          cursor = to;
        } else {
          cursor = to; // everything returned lies at or beyond `to`
        }
        s.done = (Math.min(cursor, to) - from) / tfMs;
        save(cursor >= to ? 'done' : 'running', null);
        emit();
      }
      s.state = 'done';
    } catch (e) {
      if (e instanceof CancelledError || abort.signal.aborted) {
        s.state = 'cancelled';
        save('paused', 'cancelled');
        return;
      }
      s.state = 'failed';
      s.error = e instanceof Error ? e.message : String(e);
      save('failed', s.error.slice(0, 500));
      if (!(e instanceof KestrelError)) throw e;
    }
  };

  const run = async (): Promise<BackfillProgressEvent> => {
    const queue = [...syms];
    const width = Math.max(1, Math.min(req.concurrency ?? syms.length, syms.length));
    const workers = Array.from({ length: width }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        await runSymbol(s);
      }
    });
    // Each started symbol has set its resumed `done` synchronously: that part does not count toward the rate.
    doneAtStart = syms.reduce((sum, x) => sum + x.done, 0);
    await Promise.all(workers);
    const state = syms.some((s) => s.state === 'failed') ? 'failed' : syms.some((s) => s.state === 'cancelled') ? 'cancelled' : 'done';
    const final = snapshot(state);
    deps.onProgress?.(final);
    return final;
  };

  return { id, result: run(), cancel: () => abort.abort() };
}
