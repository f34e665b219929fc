/**
 * Orders, fills and their vocabulary. Prices are Ticks and quantities Lots (integers, see instrument.ts);
 * fees are exact Money. These shapes are persisted by storage and audited, so they are plain data.
 */
import type { Money } from './money.ts';
import type { Lots, Ticks } from './instrument.ts';

export type Side = 'buy' | 'sell';

/**
 * take-profit: a market order when the price touches `triggerPrice` in the trader's favour (sell above /
 * buy below). trailing-stop: a stop whose trigger follows the best price since acceptance by `trail`.
 */
export type OrderType = 'market' | 'limit' | 'stop-market' | 'stop-limit' | 'take-profit' | 'take-profit-limit' | 'trailing-stop';

/** GTD needs `expireAt`. FOK fills completely at once or not at all; IOC cancels any unfilled rest. */
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTD';

/** Trailing distance: absolute ticks or a fraction of the reference price in basis points. */
export type Trail = { readonly kind: 'absolute'; readonly ticks: number } | { readonly kind: 'percent'; readonly bps: number };

/** Where an order came from; every source passes the same risk gate. */
export type OrderSource = 'strategy' | 'ticket' | 'hotkey' | 'webhook' | 'system' | 'reconcile';

export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly qty: Lots;
  /** Limit price (limit, stop-limit, take-profit-limit). */
  readonly price?: Ticks;
  /** Trigger price (stop-*, take-profit*, optional initial trigger for trailing-stop). */
  readonly triggerPrice?: Ticks;
  readonly trail?: Trail;
  readonly tif?: TimeInForce;
  readonly expireAt?: number;
  readonly reduceOnly?: boolean;
  readonly postOnly?: boolean;
  /** Caller-chosen id; otherwise the engine assigns a deterministic one. Must be unique per session. */
  readonly clientOrderId?: string;
  /** Free text carried to fills and audit (strategy signal name, ticket note). */
  readonly tag?: string;
}

/** Bracket: an entry plus take-profit and stop-loss exits that become live when the entry fills, as an OCO. */
export interface BracketRequest {
  readonly entry: OrderRequest;
  readonly takeProfit: Ticks;
  readonly stopLoss: Ticks;
  /** Stop-loss limit price; absent = stop-market. */
  readonly stopLimit?: Ticks;
}

export type OrderState =
  | 'held' // contingent child waiting for its parent (bracket exits before the entry fills)
  | 'pending-submit' // intent stored, not yet acknowledged by the venue
  | 'accepted' // working at the venue
  | 'triggered' // stop / take-profit / trailing condition met; now working as market or limit
  | 'partially-filled'
  | 'pending-cancel'
  | 'pending-amend'
  | 'filled'
  | 'canceled'
  | 'rejected'
  | 'expired';

export type ContingencyKind = 'oco' | 'bracket';

export interface Order {
  readonly clientOrderId: string;
  venueOrderId: string | undefined;
  readonly symbol: string;
  readonly venue: string;
  readonly side: Side;
  readonly type: OrderType;
  qty: Lots;
  price: Ticks | undefined;
  triggerPrice: Ticks | undefined;
  readonly trail: Trail | undefined;
  readonly tif: TimeInForce;
  readonly expireAt: number | undefined;
  readonly reduceOnly: boolean;
  readonly postOnly: boolean;
  readonly source: OrderSource;
  readonly tag: string | undefined;
  state: OrderState;
  filledQty: Lots;
  /** Sum of ticks × lots over fills; avg fill price = notionalTicks / filledQty. */
  filledNotionalTicks: number;
  /** Group id shared by OCO siblings and by a bracket's entry and exits. */
  readonly groupId: string | undefined;
  readonly groupKind: ContingencyKind | undefined;
  /** Bracket exits point at their entry. */
  readonly parentId: string | undefined;
  readonly createdTs: number;
  updatedTs: number;
  /** Last reject / cancel / expiry reason (machine-readable code). */
  reason: string | undefined;
}

export type Liquidity = 'maker' | 'taker';

/** One execution. (venue, tradeId) is globally unique and is the dedup key everywhere. */
export interface Fill {
  readonly venue: string;
  readonly tradeId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly qty: Lots;
  readonly price: Ticks;
  readonly fee: Money;
  readonly feeCurrency: string;
  readonly liquidity: Liquidity;
  /** Engine time the fill was recorded. */
  readonly ts: number;
  /** Venue's own timestamp when it differs (live). */
  readonly venueTs?: number;
  /**
   * Paper fills against a book: the best opposite price available when the taker order walked it, so the
   * slippage against the touch is (price − touch) for a buy, (touch − price) for a sell, in ticks.
   */
  readonly touch?: Ticks;
}

export function isTerminal(s: OrderState): boolean {
  return s === 'filled' || s === 'canceled' || s === 'rejected' || s === 'expired';
}

/** Working = may still fill. */
export function isWorking(s: OrderState): boolean {
  return s === 'accepted' || s === 'triggered' || s === 'partially-filled' || s === 'pending-cancel' || s === 'pending-amend' || s === 'pending-submit';
}

export function remaining(o: Order): Lots {
  return o.qty - o.filledQty;
}
