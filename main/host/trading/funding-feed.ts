/**
 * Funding for a paper session's perpetuals, from its venue's funding-rate data: the venue says when the
 * next funding time is (fetchFundingRate); once the session's clock passes it, the settled record (rate and
 * mark at that time, fetchFundingRateHistory) is fetched and added to the session's FundingSchedule, and the
 * next market batch books it (core/margin/funding.ts settleFunding: position at the funding time × mark ×
 * rate, longs pay a positive rate, shorts receive it; audited as a `funding` event).
 *
 * Fetching is asynchronous and never blocks a batch; a failed fetch is retried on a later batch (after
 * `retryMs`) and logged, and loses nothing: a record booked late is booked at its own time.
 */
import { settleFunding, FundingSchedule, type BookedFunding, type FundingBooker, type FundingRate } from '../../core/margin/funding.ts';
import { floatToTicks, type Instrument } from '../../core/model/index.ts';
import { VenueNetworkError } from '../../core/errors.ts';
import { fetchFundingHistory, fetchFundingNow, type CcxtVenue, type FundingRecord } from '../../venues/ccxt/index.ts';
import { ccxtMarkWatch, hasMarkStream, type MarkWatch } from './mark-feed.ts';
import type { TradingSession } from './session.ts';

export interface FundingSource {
  /** The next funding time after now (ms). */
  next(symbol: string): Promise<number>;
  /** Settled records in [since, until], oldest first. */
  history(symbol: string, since: number, until: number): Promise<readonly FundingRecord[]>;
  /** The venue's mark price now (premiumIndex); absent: the venue states none. */
  mark?(symbol: string): Promise<number>;
  /** The venue's mark price stream (mark-feed.ts); absent: the mark is polled. */
  readonly watchMark?: MarkWatch;
  /** How often a mark may be polled under the venue's rate limit (ms). */
  readonly markPollMs?: number;
}

/** A venue's funding through the ccxt wrapper (a USDⓈ-M connection: binanceusdm, Kestrel Sim's /fapi). */
export function ccxtFundingSource(v: CcxtVenue): FundingSource {
  return {
    next: async (symbol) => (await fetchFundingNow(v, symbol)).nextFundingTime,
    history: (symbol, since, until) => fetchFundingHistory(v, symbol, since, until, 100),
    mark: async (symbol) => (await fetchFundingNow(v, symbol)).markPrice,
    // Paced like the venue's other polled streams: twice its ms per request at cost 1, at least a second.
    markPollMs: Math.max(1_000, 2 * (Number(v.ex.rateLimit) || 500)),
    ...(hasMarkStream(v) ? { watchMark: ccxtMarkWatch(v) } : {}),
  };
}


export interface FundingFeedOptions {
  readonly source: FundingSource;
  /** The session's perpetual instruments (others are ignored). */
  readonly instruments: readonly Instrument[];
  /** Records before this time belong to no position of this session. */
  readonly startTs: number;
  /**
   * An account that held perpetuals before this session: funding times from here on (after its last payment)
   * may not have been booked (the app was closed). The first poll asks for every record from here up to the venue's next funding time,
   * whatever the session's clock says yet (its first prints may not have arrived).
   */
  readonly catchUpFrom?: number;
  readonly retryMs?: number;
  /** The session's mark (ticks) of a symbol: for a venue record that states no mark price. */
  readonly markOf?: (symbol: string) => number | undefined;
  readonly onError?: (symbol: string, err: unknown) => void;
}

interface SymState {
  readonly inst: Instrument;
  next: number | undefined;
  /** Settled up to (inclusive). */
  through: number;
  busy: boolean;
  retryAt: number;
}

export class FundingFeed {
  readonly schedule = new FundingSchedule();
  private readonly o: FundingFeedOptions;
  private readonly syms = new Map<string, SymState>();
  /** The latest time polled: a funding time passed while a fetch was in flight is asked for right after it. */
  private lastNow = 0;

  constructor(o: FundingFeedOptions) {
    this.o = o;
    const from = o.catchUpFrom ?? o.startTs;
    for (const i of o.instruments) if (i.kind === 'perpetual') this.syms.set(i.symbol, { inst: i, next: undefined, through: from - 1, busy: false, retryAt: 0 });
  }

  get symbols(): string[] {
    return [...this.syms.keys()];
  }

  /**
   * Starts the fetches `now` calls for (the first next-funding time; records of funding times passed).
   * Resolves when they settle; `arrived` runs when new records were added (book them then).
   */
  poll(now: number, arrived: () => void = () => {}): Promise<void> {
    const work: Promise<void>[] = [];
    this.lastNow = Math.max(this.lastNow, now);
    for (const [symbol, st] of this.syms) {
      if (st.busy || now < st.retryAt) continue;
      if (st.next !== undefined && now < st.next) continue;
      st.busy = true;
      work.push(this.refresh(symbol, st, now).then(
        (added) => {
          st.busy = false;
          if (added || (st.next !== undefined && this.lastNow >= st.next)) arrived();
        },
        (e: unknown) => {
          st.busy = false;
          st.retryAt = now + (this.o.retryMs ?? 30_000);
          this.o.onError?.(symbol, e);
        },
      ));
    }
    return Promise.all(work).then(() => undefined);
  }

  /** Books what is due by `now` on `k` (inside a market batch). */
  settle(k: FundingBooker, now: number): BookedFunding[] {
    return settleFunding(k, this.schedule, now);
  }

  private async refresh(symbol: string, st: SymState, now: number): Promise<boolean> {
    let added = false;
    // A catching-up feed's first poll asks when the next funding time is, then for every record before it.
    const catchUp = st.next === undefined && this.o.catchUpFrom !== undefined;
    const asked = catchUp ? await this.o.source.next(symbol) : undefined;
    const until = asked !== undefined ? asked - 1 : now;
    if (catchUp || (st.next !== undefined && now >= st.next)) {
      const recs = (await this.o.source.history(symbol, st.through + 1, until)).filter((r) => r.ts > st.through && r.ts <= until);
      // The venue may publish a funding time's record a moment late: ask again on a later batch.
      if (!catchUp && !recs.some((r) => r.ts >= st.next!)) throw new VenueNetworkError(`no funding record for ${symbol} at ${new Date(st.next!).toISOString()} yet`, { symbol, kind: 'not-yet' });
      const rates: FundingRate[] = recs.flatMap((r) => {
        const mark = r.markPrice !== undefined ? floatToTicks(st.inst, r.markPrice) : this.o.markOf?.(symbol);
        return mark !== undefined && mark > 0 ? [{ ts: r.ts, rate: r.rate, markPrice: mark }] : [];
      });
      this.schedule.add(symbol, rates);
      if (recs.length) st.through = recs[recs.length - 1]!.ts;
      added = rates.length > 0;
    }
    const next = asked ?? (await this.o.source.next(symbol));
    if (!Number.isSafeInteger(next) || next <= st.through) throw new VenueNetworkError(`the venue's next funding time for ${symbol} (${next}) is not after ${st.through}`, { symbol, kind: 'BadResponse' });
    st.next = next;
    return added;
  }
}

/**
 * A session's `afterMarket` hook (SessionParts) for a funding feed: every market batch books what is due and
 * asks the venue for what the clock has passed; arrivals are booked in a batch of their own. `booked` sees
 * each payment as booked (the desk writes it to the ledger).
 */
export function fundingAfterMarket(feed: FundingFeed, session: () => TradingSession | undefined, booked?: (b: BookedFunding) => void): () => void {
  return () => {
    const s = session();
    if (!s) return;
    const now = s.parts.clock.now();
    // Inside the batch: the ledger row commits with the audit event and the fills around it.
    for (const b of feed.settle(s.engine, now)) booked?.(b);
    void feed.poll(now, () => s.marketBatch(() => {}));
  };
}
