/**
 * A perpetual session's mark prices from its venue, for the symbols the account holds a position in. Where the
 * venue streams its mark (Binance USDⓈ-M and Kestrel Sim: `<symbol>@markPrice@1s`, ccxt pro watchMarkPrice) each
 * held symbol has a stream, opened when the position opens and closed when it goes flat; each event enters the
 * session at once (paper: one market batch through its PrintFeed as a recorded `mark`, what the paper venue
 * liquidates on). Where the venue has no stream, or while a symbol's stream is down (it reconnects with backoff,
 * main/venues/ccxt/streams.ts), the mark is polled (premiumIndex) every `everyMs`, the venue's rate-limit pace; the
 * status says which. A failed poll is logged and tried again at the next interval; one poll per symbol at a time.
 */
import { openStream, type CcxtVenue } from '../../venues/ccxt/index.ts';

/** A symbol's mark stream as MarkFeed sees it: `live` once events flow; `down` while it reconnects or after it failed. */
export type MarkStreamState = 'connecting' | 'live' | 'down';

export interface MarkStreamHandlers {
  onMark(price: number, ts: number): void;
  onState(state: MarkStreamState, error?: string): void;
}

/** Opens the venue's mark stream of one symbol; absent on the source: the venue streams no mark, it is polled. */
export type MarkWatch = (symbol: string, h: MarkStreamHandlers) => { close(): unknown };

export interface MarkFeedOptions {
  readonly symbols: readonly string[];
  /** The venue's mark price now (REST). */
  readonly mark: (symbol: string) => Promise<number>;
  /** The venue's mark stream; absent: polling only. */
  readonly watch?: MarkWatch;
  /** Whether the account holds a position in `symbol` (only those are marked). */
  readonly held: (symbol: string) => boolean;
  /** Enters one mark into the session (a market batch). */
  readonly deliver: (symbol: string, price: number) => void;
  /** Poll interval where no stream carries a symbol (ms; default 1 s). */
  readonly everyMs?: number;
  /** How often held positions are looked at to open / close streams and run due polls (ms; default 1 s). */
  readonly checkMs?: number;
  readonly onError?: (symbol: string, err: unknown) => void;
  /** The feed's mode changed (the account's status shows `describe()`). */
  readonly onChange?: () => void;
  /** Wall clock (tests). */
  readonly now?: () => number;
}

interface Stream {
  readonly handle: { close(): unknown };
  state: MarkStreamState;
  error?: string;
}

export class MarkFeed {
  private readonly o: MarkFeedOptions;
  private readonly busy = new Set<string>();
  private readonly streams = new Map<string, Stream>();
  private readonly polledAt = new Map<string, number>();
  private polls = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(o: MarkFeedOptions) {
    this.o = o;
  }

  /** REST polls sent so far (tests: a streamed mark needs none). */
  get pollCount(): number {
    return this.polls;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.sync(), this.o.checkMs ?? 1_000);
    this.timer.unref?.();
    this.sync();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.streams.values()) void s.handle.close();
    this.streams.clear();
  }

  /**
   * Streams for held symbols opened, for flat ones closed; a held symbol no live stream carries is polled when its
   * last poll is `everyMs` old. Called every `checkMs`, and by the session after a fill (a new position's mark at once).
   */
  sync(): void {
    if (this.stopped) return;
    const now = (this.o.now ?? Date.now)();
    const every = this.o.everyMs ?? 1_000;
    for (const symbol of this.o.symbols) {
      const held = this.o.held(symbol);
      let s = this.streams.get(symbol);
      if (!held) {
        if (s) this.close(symbol, s);
        continue;
      }
      if (!s && this.o.watch) s = this.open(symbol);
      // Connecting: the stream's first event is a second away, a poll would only duplicate it.
      if (s && s.state !== 'down') continue;
      if (now - (this.polledAt.get(symbol) ?? -Infinity) < every) continue;
      void this.ask(symbol, now);
    }
  }

  /** Asks the venue for the mark of every held symbol not already being asked, stream or not; resolves when they answered. */
  poll(): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    return Promise.all(this.o.symbols.filter((s) => this.o.held(s)).map((s) => this.ask(s, now))).then(() => undefined);
  }

  /** How the marks arrive now, for the account's status. */
  describe(): string {
    const every = `${((this.o.everyMs ?? 1_000) / 1_000).toLocaleString('en-US')} s`;
    if (!this.o.watch) return `polled every ${every} (the venue streams no mark price)`;
    const down = [...this.streams].filter(([, s]) => s.state === 'down');
    if (!down.length) return 'venue stream (markPrice)';
    return `venue stream (markPrice); polled every ${every} while the stream of ${down.map(([sym]) => sym).join(', ')} is down${down[0]![1].error ? `: ${down[0]![1].error}` : ''}`;
  }

  private open(symbol: string): Stream {
    const box: { s?: Stream } = {};
    const handle = this.o.watch!(symbol, {
      onMark: (price) => {
        if (this.stopped || this.streams.get(symbol) !== box.s) return;
        this.o.deliver(symbol, price);
      },
      onState: (state, error) => {
        const s = box.s;
        if (!s || this.streams.get(symbol) !== s || s.state === state) return;
        s.state = state;
        if (error !== undefined) s.error = error;
        else delete s.error;
        this.o.onChange?.();
        // Down: fall back to polling now rather than at the next check.
        if (state === 'down') this.sync();
      },
    });
    const s: Stream = (box.s = { handle, state: 'connecting' });
    this.streams.set(symbol, s);
    return s;
  }

  private close(symbol: string, s: Stream): void {
    this.streams.delete(symbol);
    void s.handle.close();
    if (s.state === 'down') this.o.onChange?.();
  }

  private ask(symbol: string, now: number): Promise<void> {
    if (this.busy.has(symbol)) return Promise.resolve();
    this.busy.add(symbol);
    this.polledAt.set(symbol, now);
    this.polls++;
    return this.o.mark(symbol).then(
      (price) => {
        this.busy.delete(symbol);
        if (!this.stopped) this.o.deliver(symbol, price);
      },
      (e: unknown) => {
        this.busy.delete(symbol);
        this.o.onError?.(symbol, e);
      },
    );
  }
}

/** Whether the venue's ccxt class streams the mark (ccxt pro watchMarkPrice). */
export function hasMarkStream(v: CcxtVenue): boolean {
  return (v.ex.has as Record<string, unknown>).watchMarkPrice === true;
}

/** The venue's mark stream through ccxt pro (watchMarkPrice), with the wrapper's reconnect and backoff. */
export function ccxtMarkWatch(v: CcxtVenue): MarkWatch {
  return (symbol, h) => openStream(v, 'mark', symbol, {
    onMark: (m) => h.onMark(m.markPrice, m.ts),
    onStatus: (s) => h.onState(s.state === 'live' ? 'live' : s.state === 'connecting' ? 'connecting' : 'down', s.error),
  });
}
