/**
 * Trading contract: the paper (or live) session the workstation trades in — instruments, order preview and
 * entry through the risk gate, the blotter (orders, fills, positions, account), risk status and the kill
 * switch, the paper account's settings, and the live price/candle streams that drive it.
 *
 * Money on the wire: prices, quantities, notionals, fees and balances are DECIMAL STRINGS ("42000.5"),
 * never floats; the host converts them exactly to the instrument's ticks and lots and refuses anything off
 * the grid with a typed `validation` error naming the field. A risk rejection is the typed error
 * `risk_rejected` whose `details.reasons` parse with `RiskReasonList` (see `riskReasonsOf`).
 * Candle OHLCV values in streams are float64 numbers (chart data, like the market contract's series).
 */
import { z } from 'zod';
import { command, empty, event, id, req, text } from './define.ts';
import { RiskAccountView, RiskEventView, RiskOverrideView, RiskPortfolioView } from './risk-views.ts';

/** A non-negative decimal as text: digits with an optional fraction. NaN, "1e5", "-1", "" are refused. */
export const Decimal = z
  .string()
  .max(40)
  .regex(/^\d{1,24}(\.\d{1,18})?$/, 'expected a non-negative decimal like "123.45" (no exponent, no sign)');

/** A signed decimal (positions, P&L) as the host writes it. */
export const SignedDecimal = z.string().regex(/^-?\d+(\.\d+)?$/);

export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;

/**
 * What the order ticket offers. `stop` is a stop-market; `bracket` = entry + take-profit + stop-loss;
 * `oco` = a take-profit limit and a stop-loss working together, the first to fill cancels the other.
 */
export const TicketOrderType = z.enum(['market', 'limit', 'stop', 'stop-limit', 'bracket', 'oco']);
export type TicketOrderType = z.infer<typeof TicketOrderType>;

/** Every engine order type (bracket exits and strategy orders may use any of them). */
export const OrderType = z.enum(['market', 'limit', 'stop-market', 'stop-limit', 'take-profit', 'take-profit-limit', 'trailing-stop']);
export const OrderState = z.enum(['held', 'pending-submit', 'accepted', 'triggered', 'partially-filled', 'pending-cancel', 'pending-amend', 'filled', 'canceled', 'rejected', 'expired']);
export type OrderState = z.infer<typeof OrderState>;
export const TimeInForce = z.enum(['GTC', 'IOC', 'FOK', 'GTD']);
export const OrderSource = z.enum(['strategy', 'ticket', 'hotkey', 'webhook', 'system', 'reconcile']);
export const TradingState = z.enum(['active', 'reducing-only', 'halted']);
export type TradingState = z.infer<typeof TradingState>;

export const RiskReason = z.object({
  /** Machine-readable rule id: trading_halted, reducing_only, max_order_notional, price_band, ... */
  rule: z.string(),
  message: z.string(),
  limit: z.union([z.string(), z.number()]).optional(),
  actual: z.union([z.string(), z.number()]).optional(),
});
export type RiskReason = z.infer<typeof RiskReason>;
export const RiskReasonList = z.array(RiskReason);

/** The reasons carried by a `risk_rejected` error (empty for any other error). */
export function riskReasonsOf(err: unknown): RiskReason[] {
  const e = err as { code?: unknown; details?: { reasons?: unknown } } | null;
  if (!e || e.code !== 'risk_rejected') return [];
  const parsed = RiskReasonList.safeParse(e.details?.reasons);
  return parsed.success ? parsed.data : [];
}

// ───────────────────────── views ─────────────────────────

export const InstrumentView = z.object({
  symbol: z.string(),
  venue: z.string(),
  base: z.string(),
  quote: z.string(),
  kind: z.enum(['spot', 'perpetual']),
  tickSize: z.string(),
  lotSize: z.string(),
  minNotional: z.string(),
  makerFee: z.string(),
  takerFee: z.string(),
  priceDecimals: z.number().int(),
  qtyDecimals: z.number().int(),
  /** True for the synthetic demo instruments (prices are not real). */
  demo: z.boolean(),
  /** Last price, when the feed has one. */
  lastPrice: z.string().nullable(),
});
export type InstrumentView = z.infer<typeof InstrumentView>;

export const OrderView = z.object({
  clientOrderId: z.string(),
  venueOrderId: z.string().nullable(),
  /** Held and triggered by Kestrel, not by the venue (which has no such order type for the symbol). */
  emulated: z.boolean().optional(),
  symbol: z.string(),
  venue: z.string(),
  side: Side,
  type: OrderType,
  qty: z.string(),
  filledQty: z.string(),
  remainingQty: z.string(),
  price: z.string().nullable(),
  triggerPrice: z.string().nullable(),
  avgFillPrice: z.string().nullable(),
  tif: TimeInForce,
  reduceOnly: z.boolean(),
  postOnly: z.boolean(),
  source: OrderSource,
  tag: z.string().nullable(),
  state: OrderState,
  /** True while the order may still fill (not filled, canceled, rejected or expired; held exits count). */
  open: z.boolean(),
  groupId: z.string().nullable(),
  groupKind: z.enum(['oco', 'bracket']).nullable(),
  parentId: z.string().nullable(),
  createdTs: z.number(),
  updatedTs: z.number(),
  /** Last reject / cancel / expiry reason code. */
  reason: z.string().nullable(),
});
export type OrderView = z.infer<typeof OrderView>;

export const FillView = z.object({
  tradeId: z.string(),
  venue: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: Side,
  qty: z.string(),
  price: z.string(),
  notional: z.string(),
  fee: z.string(),
  feeCurrency: z.string(),
  liquidity: z.enum(['maker', 'taker']),
  ts: z.number(),
  /** Paper fills against a book: the best opposite price when the order walked it, and price − touch against the trader (≥ 0). */
  touch: z.string().nullable().optional(),
  slippage: z.string().nullable().optional(),
});
export type FillView = z.infer<typeof FillView>;

export const PositionView = z.object({
  symbol: z.string(),
  /** Signed quantity: long > 0, short < 0. */
  qty: SignedDecimal,
  side: z.enum(['long', 'short', 'flat']),
  avgPrice: z.string().nullable(),
  markPrice: z.string().nullable(),
  /** |qty| × mark, settlement currency. */
  notional: z.string(),
  realizedPnl: SignedDecimal,
  unrealizedPnl: SignedDecimal,
  fees: z.string(),
  margin: z.string(),
  /** Perpetuals: funding paid (+) or received (−), and the liquidation price (null: none). */
  funding: SignedDecimal.optional(),
  liquidationPrice: z.string().nullable().optional(),
  /** What markPrice is: a perpetual's venue mark price (`mark`) or, before one arrived and for spot, the last price (`last`). */
  markSource: z.enum(['mark', 'last']).optional(),
  /** Perpetuals: the symbol's margin mode and leverage. */
  marginMode: z.enum(['cross', 'isolated']).optional(),
  leverage: z.number().positive().optional(),
});
export type PositionView = z.infer<typeof PositionView>;

/** A perpetual's margin settings on an account, with the venue's limits. */
export const SymbolMarginView = z.object({
  symbol: z.string(),
  mode: z.enum(['cross', 'isolated']),
  leverage: z.number().positive(),
  /** The highest leverage the venue allows on the symbol. */
  maxLeverage: z.number().int().positive(),
  /** The largest position notional the current leverage allows (settlement currency; null: no bound). */
  maxNotional: z.string().nullable(),
  /** The venue's brackets: up to `maxNotional` ('0' = no bound) this maintenance rate and max leverage. */
  brackets: z.array(z.object({ maxNotional: z.string(), maintenanceRate: z.string(), maxLeverage: z.number() })),
  /** Whether it can be changed here (perpetual paper accounts). */
  editable: z.boolean(),
});
export type SymbolMarginView = z.infer<typeof SymbolMarginView>;

export const SetMarginRequest = req({
  symbol: id(),
  leverage: z.number().int().min(1).max(125).optional(),
  mode: z.enum(['cross', 'isolated']).optional(),
});

export const AccountView = z.object({
  accountId: z.string(),
  sessionId: z.string(),
  mode: z.enum(['paper', 'live']),
  currency: z.string(),
  startingBalance: z.string(),
  /** Settlement-currency cash (spot buys spend it, sells return it). */
  cash: SignedDecimal,
  /** Cash + holdings / unrealized P&L at marks. */
  equity: SignedDecimal,
  marginUsed: z.string(),
  realizedPnl: SignedDecimal,
  unrealizedPnl: SignedDecimal,
  fees: z.string(),
  ts: z.number(),
  /** Strict spot balances per asset: total, reserved by working orders, free. */
  balances: z.array(z.object({ asset: z.string(), total: z.string(), reserved: z.string(), free: z.string() })).optional(),
});
export type AccountView = z.infer<typeof AccountView>;

export const RiskLimitsView = z.object({
  /** Max notional of one order (settlement currency); null = no limit. */
  maxOrderNotional: z.string().nullable(),
  /** Max absolute position notional after an order, counting working orders. */
  maxPositionNotional: z.string().nullable(),
  /** Max position notional as a percentage of equity ("50" = 50 %). */
  maxPositionPctEquity: z.string().nullable(),
  maxOpenOrders: z.number().int().nullable(),
  /** Max distance of a limit/trigger price from the last price, in basis points (fat-finger band). */
  priceBandBps: z.number().int().nullable(),
});
export type RiskLimitsView = z.infer<typeof RiskLimitsView>;

export const RiskStatus = z.object({
  tradingState: TradingState,
  /** Why the state last changed (kill switch reason, operator note). */
  stateReason: z.string(),
  limits: RiskLimitsView,
  usage: z.object({
    openOrders: z.number().int(),
    equity: SignedDecimal,
    /** Largest position notional across symbols and its share of equity in percent. */
    largestPositionNotional: z.string(),
    largestPositionPct: z.string(),
    positions: z.array(z.object({ symbol: z.string(), notional: z.string(), pctEquity: z.string() })),
  }),
  /** When the trading state last changed. */
  since: z.number(),
  /** The account against its profile's account-wide limits. */
  account: RiskAccountView,
  /** Correlation and VaR (null when the profile has neither rule). */
  portfolio: RiskPortfolioView.nullable(),
  override: RiskOverrideView.nullable(),
  /** Recent monitor alerts, state changes and overrides, newest last. */
  events: z.array(RiskEventView),
  ts: z.number(),
});
export type RiskStatus = z.infer<typeof RiskStatus>;

export const PaperSettings = z.object({
  accountId: z.string(),
  currency: z.string(),
  startingBalance: z.string(),
  /** Fee rates as fractions of notional: "0.001" = 10 bps. */
  makerFee: z.string(),
  takerFee: z.string(),
  /** Settings that differ from the running session's and apply on the next account reset. */
  pendingReset: z.boolean(),
});
export type PaperSettings = z.infer<typeof PaperSettings>;

export const SessionView = z.object({
  sessionId: z.string(),
  /** The book (ledger account row) the session trades in; one per reset of the account. */
  accountId: z.string(),
  /** The account (settings.json) and its name. */
  account: z.string(),
  accountName: z.string(),
  mode: z.enum(['paper', 'live']),
  venue: z.string(),
  /** Where prices come from, e.g. "demo feed (synthetic)". */
  feed: z.string(),
  feedTickMs: z.number(),
  startedAt: z.number(),
  status: z.enum(['running', 'stopped']),
  /**
   * A perpetual account's venue data: how the mark arrives (the venue's stream, or polled and why), the REST mark
   * polls so far, and where the margin tiers came from (the venue's brackets, or a stated fallback).
   */
  perpetual: z.object({ marks: z.string(), markPolls: z.number().int().nonnegative(), tiers: z.string() }).optional(),
});
export type SessionView = z.infer<typeof SessionView>;

export const PriceTick = z.object({ symbol: z.string(), price: z.string(), ts: z.number() });
export type PriceTick = z.infer<typeof PriceTick>;

export const LiveCandle = z.object({
  source: z.string(),
  symbol: z.string(),
  timeframe: z.literal('1m'),
  /** False while the minute is still forming (updates with every tick), true once it closed and was stored. */
  closed: z.boolean(),
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});
export type LiveCandle = z.infer<typeof LiveCandle>;

// ───────────────────────── requests ─────────────────────────

/**
 * One order ticket. Quantity is EITHER `qty` (base units) OR `equityPct` (percent of account equity at the
 * order's price, rounded down to the lot). Prices by type:
 *   market: none · limit: price · stop: triggerPrice · stop-limit: triggerPrice + price
 *   bracket: entry at `price` (limit) or at market when omitted, plus takeProfit and stopLoss
 *            (and stopLossLimit for a stop-limit exit).
 *   oco: no entry; a limit at takeProfit and a stop at stopLoss (stop-limit with stopLossLimit), both on
 *        `side` for `qty`: a sell OCO closes a long with profit above the market and a stop below it.
 */
export const TicketRequest = req({
  symbol: id(),
  side: Side,
  type: TicketOrderType,
  qty: Decimal.optional(),
  equityPct: Decimal.optional(),
  price: Decimal.optional(),
  triggerPrice: Decimal.optional(),
  takeProfit: Decimal.optional(),
  stopLoss: Decimal.optional(),
  stopLossLimit: Decimal.optional(),
  tif: z.enum(['GTC', 'IOC', 'FOK']).optional(),
  reduceOnly: z.boolean().optional(),
  postOnly: z.boolean().optional(),
  /** Where the order came from (every source passes the same gate); default ticket. */
  source: z.enum(['ticket', 'hotkey']).optional(),
  tag: text(64).optional(),
  /**
   * A stop whose trigger the market has already crossed (a buy stop at or below the last price, a sell stop at
   * or above it) would trigger the moment it arrives: refused unless this says the trader confirmed exactly that.
   */
  confirmTriggerNow: z.boolean().optional(),
});
export type TicketRequest = z.infer<typeof TicketRequest>;

export const Preview = z.object({
  /** True when the order would pass validation and the risk gate right now. */
  ok: z.boolean(),
  /** Risk gate reasons (machine-readable), empty when it passes. */
  reasons: RiskReasonList,
  /** Order-shape problems (below min notional, missing price, ...), empty when valid. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  symbol: z.string(),
  side: Side,
  type: TicketOrderType,
  /** Quantity after lot rounding (from equityPct when given). */
  qty: z.string(),
  /** Prices snapped to the tick (nearest); `snapped` says whether any input moved. */
  price: z.string().nullable(),
  triggerPrice: z.string().nullable(),
  takeProfit: z.string().nullable(),
  stopLoss: z.string().nullable(),
  stopLossLimit: z.string().nullable(),
  snapped: z.boolean(),
  /** The stop's trigger is already crossed by the last price: it would trigger at once (needs confirmTriggerNow). */
  triggersNow: z.boolean().optional(),
  /** Price the notional was valued at: the limit/trigger price, else the last price. */
  referencePrice: z.string().nullable(),
  lastPrice: z.string().nullable(),
  notional: z.string(),
  /** Estimated fee of the entry (taker for market/marketable, maker for resting limits). */
  estimatedFee: z.string(),
  feeRate: z.string(),
  liquidity: z.enum(['maker', 'taker']),
  equity: SignedDecimal,
  tradingState: TradingState,
});
export type Preview = z.infer<typeof Preview>;

const symbolFilter = req({ symbol: id().optional() });
const listFilter = req({ symbol: id().optional(), limit: z.number().int().min(1).max(10_000).optional() });

export const SetLimitsRequest = req({
  maxOrderNotional: Decimal.nullable().optional(),
  maxPositionNotional: Decimal.nullable().optional(),
  maxPositionPctEquity: Decimal.nullable().optional(),
  maxOpenOrders: z.number().int().min(0).max(100_000).nullable().optional(),
  priceBandBps: z.number().int().min(1).max(100_000).nullable().optional(),
});

export const SetPaperSettingsRequest = req({
  startingBalance: Decimal.optional(),
  makerFee: Decimal.optional(),
  takerFee: Decimal.optional(),
  /** Apply now: cancel everything and restart the paper account from the starting balance. */
  resetAccount: z.boolean().optional(),
});

// ───────────────────────── commands & events ─────────────────────────

export const tradingCommands = {
  'trading.session': command('The running trading session: id, account, venue, feed.', empty, SessionView),
  'trading.instruments': command('Tradable instruments with tick/lot size, min notional, fees and demo flag.', empty, z.object({ instruments: z.array(InstrumentView) })),
  'trading.prices': command('Last price of every instrument.', empty, z.object({ prices: z.array(PriceTick) })),
  'trading.preview': command('Validates an order ticket and asks the risk gate WITHOUT submitting: verdict, reasons, snapped prices, notional, estimated fees.', TicketRequest, Preview),
  'trading.submit': command('Submits an order ticket through the risk gate. Rejection is the typed error risk_rejected with details.reasons. Returns the created orders (bracket: entry, take-profit, stop-loss; oco: take-profit, stop-loss).', TicketRequest, z.object({ orders: z.array(OrderView) })),
  'trading.cancel': command('Requests cancellation of one order.', req({ clientOrderId: id() }), z.object({ order: OrderView })),
  'trading.amend': command('Changes a working order\'s price, trigger price or quantity (exact: on the instrument\'s grid). The changed order passes the risk gate in its own place; a rejection is the typed error risk_rejected.',
    // confirmTriggerNow: as on submit, a stop moved to a trigger the market has already crossed is refused unless confirmed.
    req({ clientOrderId: id(), price: Decimal.optional(), triggerPrice: Decimal.optional(), qty: Decimal.optional(), confirmTriggerNow: z.boolean().optional() }), z.object({ order: OrderView })),
  'trading.cancelAll': command('Requests cancellation of every open order (of one symbol when given).', symbolFilter, z.object({ canceled: z.number().int() })),
  'trading.openOrders': command('Orders that may still fill, oldest first.', symbolFilter, z.object({ orders: z.array(OrderView) })),
  'trading.orderHistory': command('Orders of the session, newest first (default 500).', listFilter, z.object({ orders: z.array(OrderView) })),
  'trading.fills': command('Fills of the session, newest first (default 500).', listFilter, z.object({ fills: z.array(FillView) })),
  'trading.positions': command('Positions with realized and unrealized P&L: perpetuals at the venue\'s mark price (once one arrived), spot at the last price.', empty, z.object({ positions: z.array(PositionView) })),
  'trading.account': command('Account cash, equity, margin and P&L.', empty, AccountView),
  'trading.margin': command('A perpetual\'s margin mode and leverage on the account, with the venue\'s max leverage and brackets.', req({ symbol: id() }), SymbolMarginView),
  'trading.setMargin': command('Sets a perpetual\'s leverage and/or margin mode on a paper account (persisted per account and symbol, audited). Refused as the venue refuses: venue_rejected with details.venueCode.', SetMarginRequest, SymbolMarginView),
  'risk.status': command('Risk limits, their current use and the trading state.', empty, RiskStatus),
  'risk.setLimits': command('Changes risk limits (null clears a limit, omitted keeps it). Audited.', SetLimitsRequest, RiskStatus),
  'risk.killSwitch': command('Halts trading, cancels every open order and (unless flatten is false) closes every position at market. Audited.', req({ reason: text(200).optional(), flatten: z.boolean().optional() }), z.object({ canceled: z.number().int(), flattening: z.number().int().optional(), status: RiskStatus })),
  'risk.setTradingState': command('Sets the trading state: active, reducing-only or halted. Audited.', req({ state: TradingState, reason: text(200).optional() }), RiskStatus),
  'paper.settings': command('The paper account settings (starting balance, fees).', empty, PaperSettings),
  'paper.setSettings': command('Saves paper account settings; they apply when the account is reset (resetAccount: true resets now).', SetPaperSettingsRequest, PaperSettings),
  'paper.resetAccount': command('Cancels everything and restarts the paper account from its starting balance in a new session.', empty, SessionView),
};

export const tradingEvents = {
  'trading.orders': event('Orders changed state (created, accepted, filled, canceled, ...).', z.object({ orders: z.array(OrderView) })),
  'trading.fill': event('A fill was booked.', z.object({ fill: FillView })),
  'trading.portfolio': event('Account and positions changed (fills, and marks at most a few times per second).', z.object({ account: AccountView, positions: z.array(PositionView) })),
  'trading.ticks': event('Last prices from the live feed (batched per feed tick).', z.object({ prices: z.array(PriceTick) })),
  'trading.candle': event('The forming 1m candle of a symbol changed, or closed and was stored.', LiveCandle),
  'trading.session': event('The trading session started, was reset or stopped.', SessionView),
  'risk.state': event('Trading state or limits changed.', RiskStatus),
};
