/**
 * The ports: everything the kernel needs from the outside world, as small interfaces. Backtest, paper and
 * live are only different implementations plugged into the same kernel (main/core/engine/kernel.ts).
 *
 * Rules that keep the kernel deterministic:
 * - Every port call the kernel makes is SYNCHRONOUS and returns before the next event is processed
 *   (the store is better-sqlite3, which is synchronous; a live venue returns at once and reports later).
 * - Anything that happens outside (venue acks/fills, market data) re-enters through a listener method and
 *   is processed run-to-completion, one event at a time, in arrival order.
 * - Objects passed INTO a port call are only valid during that call unless documented otherwise: copy
 *   what you keep (the kernel reuses some of them to avoid allocating per candle).
 */
import type { RiskReason } from './errors.ts';
import type { Candle, Fill, Instrument, Lots, Order, OrderBookUpdate, OrderRequest, OrderSource, Quote, Ticks, Trade, CandleColumns } from './model/index.ts';

// ───────────────────────── clock ─────────────────────────

/** Milliseconds since the epoch. Simulated in backtests (set by the data), wall clock live. */
export interface Clock {
  now(): number;
}

// ───────────────────────── market data ─────────────────────────

export interface MarketDataHandler {
  onCandle(symbol: string, candle: Candle): void;
  onTrade(trade: Trade): void;
  onQuote(quote: Quote): void;
  onBook(update: OrderBookUpdate): void;
}

/** A candle/trade/quote/book stream (live websocket, replay of stored data). Returns an unsubscribe. */
export interface MarketData {
  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void;
}

// ───────────────────────── venue ─────────────────────────

export interface OrderAmend {
  readonly qty?: Lots;
  readonly price?: Ticks;
  readonly triggerPrice?: Ticks;
}

/**
 * What a venue reports back. Every event names the order by clientOrderId (the id the kernel chose and
 * stored before sending), so a reply can always be matched to a stored intent.
 */
export type VenueEvent =
  | { readonly kind: 'ack'; readonly clientOrderId: string; readonly venueOrderId: string; readonly ts: number }
  /** `detail`: the venue's own words for the refusal, where it gave some (shown with the alert a refused protective order raises). */
  | { readonly kind: 'rejected'; readonly clientOrderId: string; readonly reason: string; readonly ts: number; readonly detail?: string }
  | { readonly kind: 'triggered'; readonly clientOrderId: string; readonly ts: number }
  /** A trailing stop moved its trigger (only ever in the trader's favour). */
  | { readonly kind: 'trail-moved'; readonly clientOrderId: string; readonly triggerPrice: Ticks; readonly ts: number }
  | { readonly kind: 'fill'; readonly fill: Fill }
  | { readonly kind: 'canceled'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  | { readonly kind: 'cancel-rejected'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  | { readonly kind: 'amended'; readonly clientOrderId: string; readonly qty: Lots; readonly price: Ticks | undefined; readonly triggerPrice: Ticks | undefined; readonly ts: number }
  | { readonly kind: 'amend-rejected'; readonly clientOrderId: string; readonly reason: string; readonly ts: number }
  | { readonly kind: 'expired'; readonly clientOrderId: string; readonly ts: number };

export interface VenueListener {
  onVenueEvent(event: VenueEvent): void;
}

/**
 * An execution venue. submit/cancel/amend return immediately; outcomes come back as VenueEvents. A live
 * adapter must treat a timeout as an UNKNOWN outcome (reconcile by clientOrderId), never resubmit blindly.
 */
export interface Venue {
  readonly id: string;
  /**
   * `session` is the kernel's session id (EngineConfig.sessionId, unique per session). A venue that makes up
   * its own trade ids (paper, replay) puts it in them, so (venue, tradeId) stays unique across every session
   * writing to one ledger; an exchange's trade ids are unique already and it may ignore the argument.
   */
  connect(listener: VenueListener, session: string): void;
  submit(order: Readonly<Order>): void;
  cancel(clientOrderId: string): void;
  amend(clientOrderId: string, change: OrderAmend): void;
}

/**
 * A venue that matches orders itself from market data (paper, replay). The kernel feeds it each market
 * event BEFORE the strategy sees it, so an order can only fill on data that arrived after it was placed.
 * `workingCount` lets the kernel skip the venue entirely while nothing rests (the common case per candle).
 */
export interface SimulatedVenue extends Venue {
  readonly workingCount: number;
  /** Matches working orders against bar i. The kernel may skip the call while workingCount is 0. */
  onBar(symbol: string, bars: CandleColumns, i: number): void;
  /** The last closed bar, told before a submit so the venue knows the reference price (post-only, trailing). */
  lastBar(symbol: string, bars: CandleColumns, i: number): void;
  onTrade(trade: Trade): void;
  onQuote(quote: Quote): void;
  onBook(update: OrderBookUpdate): void;
}

export function isSimulatedVenue(v: Venue): v is SimulatedVenue {
  return typeof (v as Partial<SimulatedVenue>).onBar === 'function';
}

// ───────────────────────── store ─────────────────────────

/**
 * Durable order and fill records. recordIntent is called BEFORE the venue sees the order (state
 * pending-submit, clientOrderId fixed), and must be committed when it returns (it survives the process):
 * after a crash, reconciliation starts from these intents. Against a power cut, what a live send waits
 * for is the store's choice (main/storage/README.md, "Durability of the ledger"); a store for a venue in
 * this process (paper) may let the intent commit with its batch, since a crash takes that venue along. Each order is recorded as an intent exactly ONCE: a bracket's exits are stored
 * `held` when the bracket is placed, and their release (held → pending-submit) is an order update.
 */
export interface Store {
  recordIntent(order: Readonly<Order>): void;
  recordOrderUpdate(order: Readonly<Order>): void;
  /** false when (venue, tradeId) is already stored: the fill is a duplicate and is ignored by the kernel. */
  recordFill(fill: Fill): boolean;
}

// ───────────────────────── audit ─────────────────────────

export type AuditEventType =
  | 'signal'
  | 'risk-verdict'
  | 'order'
  | 'fill'
  | 'trading-state'
  /** A risk monitor's finding between orders (daily loss, drawdown, black swan, outage). */
  | 'risk-alert'
  | 'funding'
  | 'override'
  // Emitted by the host around the kernel (main/core/audit/session.ts): lifecycle, configuration and the
  // closed bar each strategy decision was made on.
  | 'session-start'
  | 'session-stop'
  | 'config-change'
  | 'bar'
  /** The trade prints a paper session on a venue's live prices saw since its previous `prints` event (what its re-run replays). */
  | 'prints';

/**
 * One audit record. `payload` holds the inputs that produced the decision, as canonical-JSON-able data
 * (bigints allowed: canonicalJson writes them as decimal strings). The storage layer assigns the
 * hash-chain position; `seq` is the kernel's own monotonic counter for ordering within one session.
 */
export interface AuditEvent {
  readonly type: AuditEventType;
  readonly ts: number;
  readonly seq?: number;
  readonly venueTs?: number;
  readonly strategyVersion?: string;
  readonly symbol?: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

export interface AuditSink {
  append(event: AuditEvent): void;
  /**
   * false = this sink records nothing, so the kernel need not build events at all. Only for compositions
   * whose individual simulated orders are not audit material (a backtest is audited as a whole by its
   * result). Paper and live sessions must use an enabled sink. Undefined means true.
   */
  readonly enabled?: boolean;
}

// ───────────────────────── risk ─────────────────────────

export type TradingState = 'active' | 'reducing-only' | 'halted';

/**
 * Everything the gate may look at for one order. The kernel REUSES one instance: read it during check(),
 * do not keep it.
 */
export interface RiskInput {
  request: OrderRequest;
  source: OrderSource;
  instrument: Instrument;
  tradingState: TradingState;
  /** Current signed position in lots for the symbol. */
  positionQty: Lots;
  /** Signed lots of working (not yet filled) orders on the symbol: buys positive, sells negative. */
  workingQty: Lots;
  openOrders: number;
  /** Last traded/close price in ticks; 0 when unknown. */
  lastPrice: Ticks;
  /** Account equity in the settlement currency (float valuation). */
  equity: number;
  /** The kernel's clock at the check. */
  ts: number;
  /** A perpetual's leverage on the order's symbol (its leverage tier caps the position); absent for spot. */
  leverage?: number | undefined;
  /** Portfolio-wide figures; filled only when the gate's `wantsBook` is true (they cost a pass over positions). */
  book: RiskBook;
}

/**
 * The account's exposure, float valuation in the settlement currency, worst case over which working orders
 * fill: per symbol, positions plus every working buy (the highest it can go) and plus every working sell (the
 * lowest), so resting orders cannot sneak past a cap. The `sym*` fields are the order's own symbol's share,
 * which the gate replaces with the figures after the order.
 */
export interface RiskBook {
  /** Symbols with a position or a working order. */
  openPositions: number;
  /** Σ max(|q + buys|, |q + sells|) × value. */
  gross: number;
  /** Σ (q + buys) × value and Σ (q + sells) × value: the highest and lowest net exposure. */
  netLong: number;
  netShort: number;
  /** Initial margin of the worst-case exposure: Σ exposure / leverage. */
  margin: number;
  symHeld: boolean;
  symGross: number;
  symNetLong: number;
  symNetShort: number;
  symMargin: number;
  /** Working lots on the order's symbol: buys (≥ 0) and sells (≤ 0). */
  symWorkBuy: number;
  symWorkSell: number;
  /** Leverage of the order's symbol (1 for spot). */
  symLeverage: number;
  /** The account's symbols in a fixed order, and each one's signed position value at its mark. */
  symbols: readonly string[];
  exposure: Float64Array;
}

export function emptyRiskBook(): RiskBook {
  return { openPositions: 0, gross: 0, netLong: 0, netShort: 0, margin: 0, symHeld: false, symGross: 0, symNetLong: 0, symNetShort: 0, symMargin: 0, symWorkBuy: 0, symWorkSell: 0, symLeverage: 1, symbols: [], exposure: new Float64Array(0) };
}

/** A monitor's finding between orders: an alert, and possibly a stricter trading state and a flatten. */
export interface RiskAlert {
  /** daily_loss, drawdown_alert, drawdown_halt, black_swan, venue_outage. */
  readonly rule: string;
  readonly message: string;
  readonly limit: number;
  readonly value: number;
  readonly symbol?: string;
  /** The state the account moves to (never a laxer one than it has); absent = alert only. */
  readonly state?: TradingState;
  /** Cancel every working order first. */
  readonly cancel?: boolean;
  /** Positions to close at market: every one, the listed symbols, or none. */
  readonly flatten?: 'all' | readonly string[];
  /** The state it asks for may be lifted by a later `lift` alert (a backtest's daily-loss hold). */
  readonly liftable?: true;
  /** Lifts the hold a `liftable` alert put the account in, back to active, unless another cause holds it too. */
  readonly lift?: true;
}

export interface RiskVerdict {
  readonly ok: boolean;
  /** Machine-readable reasons (rule id, limit, actual). Empty when ok. */
  readonly reasons: readonly RiskReason[];
}

export interface RiskGate {
  check(input: RiskInput): RiskVerdict;
  /** Whether check() reads input.book (the kernel fills it only then). */
  readonly wantsBook?: boolean;
  /** Whether observe()/observePrice() do anything (the kernel calls them only then, per bar or tick). */
  readonly monitors?: boolean;
  /** Equity moved (a bar closed, a fill, a mark): daily-loss and drawdown monitors. */
  observe?(ts: number, equity: number): RiskAlert | null;
  /** A price printed: the black-swan monitor. `held` = the account has a position in the symbol. */
  observePrice?(symbol: string, ts: number, price: number, held: boolean): RiskAlert | null;
  /** A venue-wide outage: what to do about it (default: cancel everything and halt). */
  outage?(reason: string): RiskAlert;
}

// ───────────────────────── null implementations ─────────────────────────

/** Store for backtests that persist nothing; still deduplicates fills so replays behave as live. */
export class MemoryStore implements Store {
  /** The live order objects (a durable store would copy the row; memory keeps the reference). */
  readonly intents: Readonly<Order>[] = [];
  private readonly seen = new Map<string, Set<string>>();
  private lastVenue = '';
  private lastIds: Set<string> | undefined;
  recordIntent(order: Readonly<Order>): void {
    this.intents.push(order);
  }
  recordOrderUpdate(): void {}
  recordFill(fill: Fill): boolean {
    let ids = fill.venue === this.lastVenue ? this.lastIds : this.seen.get(fill.venue);
    if (!ids) this.seen.set(fill.venue, (ids = new Set()));
    this.lastVenue = fill.venue;
    this.lastIds = ids;
    // One hash operation: add, and see whether the set grew.
    const n = ids.size;
    ids.add(fill.tradeId);
    return ids.size !== n;
  }
}

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  append(event: AuditEvent): void {
    this.events.push(event);
  }
}

/** Records nothing and says so (`enabled: false`): backtests only. */
export class NullAuditSink implements AuditSink {
  readonly enabled = false;
  append(): void {}
}
