/**
 * The state of one Kestrel Sim trading account: spot balances (free / locked), a USDⓈ-M futures wallet with
 * one-way positions, its orders, conditional (Algo API) orders and trades. Amounts are exact (core Money,
 * atto-units), so what a client reconciles against is never off by binary noise.
 */
import { divRound, MONEY_SCALE, type Money } from '../../core/model/money.ts';

export type SimMarket = 'spot' | 'futures';
export type Side = 'BUY' | 'SELL';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';
export type ExecType = 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'REJECTED' | 'REPLACED';

export interface SimOrder {
  readonly market: SimMarket;
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: Side;
  /** LIMIT, MARKET, LIMIT_MAKER; on spot also STOP_LOSS_LIMIT / TAKE_PROFIT_LIMIT; on futures STOP_MARKET / TAKE_PROFIT_MARKET (pre-Algo API behaviour). */
  readonly type: string;
  readonly timeInForce: string;
  readonly price: Money;
  readonly stopPrice: Money;
  readonly origQty: Money;
  /** Spot market buys by quote amount (quoteOrderQty); 0 otherwise. */
  readonly quoteOrderQty: Money;
  executedQty: Money;
  cumQuote: Money;
  status: OrderStatus;
  readonly reduceOnly: boolean;
  readonly closePosition: boolean;
  readonly time: number;
  updateTime: number;
  /** Spot: the asset and amount this order still holds locked. */
  lockedAsset: string;
  locked: Money;
  /** When the order started working on the book: its creation, or for a spot stop-limit when its stop fired (-1 until then). */
  workingTime: number;
  /** Set when the order came from a triggered Algo order. */
  readonly algoId?: number;
}

export type AlgoStatus = 'NEW' | 'TRIGGERING' | 'TRIGGERED' | 'FINISHED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

/** A USDⓈ-M conditional order placed through the Algo Order API (POST /fapi/v1/algoOrder). */
export interface SimAlgoOrder {
  readonly algoId: number;
  readonly clientAlgoId: string;
  readonly symbol: string;
  readonly side: Side;
  /** STOP_MARKET or TAKE_PROFIT_MARKET. */
  readonly orderType: string;
  readonly quantity: Money;
  readonly triggerPrice: Money;
  readonly reduceOnly: boolean;
  readonly closePosition: boolean;
  status: AlgoStatus;
  readonly createTime: number;
  updateTime: number;
  triggerTime: number;
  actualOrderId: number | undefined;
  failReason: string;
}

export interface SimTrade {
  readonly market: SimMarket;
  readonly symbol: string;
  readonly id: number;
  readonly orderId: number;
  readonly side: Side;
  readonly price: Money;
  readonly qty: Money;
  readonly quoteQty: Money;
  readonly commission: Money;
  readonly commissionAsset: string;
  readonly realizedPnl: Money;
  readonly maker: boolean;
  readonly time: number;
}

export interface Balance {
  free: Money;
  locked: Money;
}

export interface Position {
  /** Signed: long > 0, short < 0. */
  amt: Money;
  entry: Money;
  leverage: number;
  /** Margin type (POST /fapi/v1/marginType): recorded and reported; the sim margins every position from the wallet. */
  isolated: boolean;
  updateTime: number;
}

export class SimAccount {
  readonly id: string;
  readonly spot = new Map<string, Balance>();
  /** The USDⓈ-M wallet balance (USDT): moved only by realized P&L, fees and transfers. */
  futuresWallet: Money = 0n;
  readonly positions = new Map<string, Position>();
  readonly orders = new Map<number, SimOrder>();
  readonly algos = new Map<number, SimAlgoOrder>();
  readonly trades: SimTrade[] = [];
  private readonly byClient = new Map<string, number>();
  private readonly algoByClient = new Map<string, number>();

  constructor(id: string) {
    this.id = id;
  }

  balance(asset: string): Balance {
    let b = this.spot.get(asset);
    if (!b) {
      b = { free: 0n, locked: 0n };
      this.spot.set(asset, b);
    }
    return b;
  }

  position(symbol: string): Position {
    let p = this.positions.get(symbol);
    if (!p) {
      p = { amt: 0n, entry: 0n, leverage: 20, isolated: false, updateTime: 0 };
      this.positions.set(symbol, p);
    }
    return p;
  }

  addOrder(o: SimOrder): void {
    this.orders.set(o.orderId, o);
    this.byClient.set(clientKey(o.market, o.symbol, o.clientOrderId), o.orderId);
  }

  /** Binance keeps a client id unique among a symbol's OPEN orders; a closed one's id may be reused. */
  findByClient(market: SimMarket, symbol: string, clientOrderId: string): SimOrder | undefined {
    const id = this.byClient.get(clientKey(market, symbol, clientOrderId));
    return id === undefined ? undefined : this.orders.get(id);
  }

  addAlgo(a: SimAlgoOrder): void {
    this.algos.set(a.algoId, a);
    this.algoByClient.set(a.clientAlgoId, a.algoId);
  }

  findAlgoByClient(clientAlgoId: string): SimAlgoOrder | undefined {
    const id = this.algoByClient.get(clientAlgoId);
    return id === undefined ? undefined : this.algos.get(id);
  }

  openOrders(market: SimMarket, symbol?: string): SimOrder[] {
    return [...this.orders.values()].filter((o) => o.market === market && (symbol === undefined || o.symbol === symbol) && isOpen(o.status));
  }

  /** Unrealized P&L of a position at `mark` (USDT). */
  unrealized(symbol: string, mark: Money): Money {
    const p = this.positions.get(symbol);
    if (!p || p.amt === 0n) return 0n;
    return mul(mark - p.entry, p.amt);
  }
}

export function isOpen(s: OrderStatus): boolean {
  return s === 'NEW' || s === 'PARTIALLY_FILLED';
}

function clientKey(market: SimMarket, symbol: string, id: string): string {
  return `${market}\u0000${symbol}\u0000${id}`;
}

/** a × b for two Money values (price × quantity), exact to 18 decimals (half-even beyond). */
export function mul(a: Money, b: Money): Money {
  return divRound(a * b, MONEY_SCALE, 'half-even');
}

/** a ÷ b for two Money values. */
export function div(a: Money, b: Money, mode: 'floor' | 'half-even' = 'half-even'): Money {
  return divRound(a * MONEY_SCALE, b, mode);
}

export function abs(a: Money): Money {
  return a < 0n ? -a : a;
}

export function min(a: Money, b: Money): Money {
  return a < b ? a : b;
}
