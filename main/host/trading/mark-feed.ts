/**
 * A perpetual paper session's mark prices from its venue (a USDⓈ-M venue's premiumIndex, through ccxt's
 * fetchFundingRate): polled for the symbols the account holds a position in, each answer entering the session
 * as one market batch through its PrintFeed (`mark`: recorded with the prints, so a re-run liquidates at the
 * same moments). The paper venue liquidates on these marks (PaperVenueConfig.liquidateOnMark), as a venue does.
 * A failed poll is logged and tried again at the next interval; one poll per symbol at a time.
 */
export interface MarkFeedOptions {
  readonly symbols: readonly string[];
  /** The venue's mark price now. */
  readonly mark: (symbol: string) => Promise<number>;
  /** Whether the account holds a position in `symbol` (only those are polled). */
  readonly held: (symbol: string) => boolean;
  /** Enters one mark into the session (a market batch). */
  readonly deliver: (symbol: string, price: number) => void;
  readonly everyMs?: number;
  readonly onError?: (symbol: string, err: unknown) => void;
}

export class MarkFeed {
  private readonly o: MarkFeedOptions;
  private readonly busy = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(o: MarkFeedOptions) {
    this.o = o;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.o.everyMs ?? 1_000);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Asks the venue for the mark of every held symbol not already being asked; resolves when they answered. */
  poll(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const symbol of this.o.symbols) {
      if (this.busy.has(symbol) || !this.o.held(symbol)) continue;
      this.busy.add(symbol);
      work.push(this.o.mark(symbol).then(
        (price) => {
          this.busy.delete(symbol);
          if (!this.stopped) this.o.deliver(symbol, price);
        },
        (e: unknown) => {
          this.busy.delete(symbol);
          this.o.onError?.(symbol, e);
        },
      ));
    }
    return Promise.all(work).then(() => undefined);
  }
}
