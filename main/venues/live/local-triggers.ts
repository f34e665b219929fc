/**
 * Stop and take-profit orders a venue cannot hold for a symbol (Binance spot lists STOP_LOSS_LIMIT but often
 * not STOP_LOSS, for instance) are held here and triggered on the session's own trade prints: at the trigger
 * the live venue sends the order's market or limit form under the same client order id. What is armed here
 * is shown as "emulated": it protects only while Kestrel runs and its prints arrive.
 */
import type { PlaceKind, PlaceRequest } from '../ccxt/index.ts';

export type TriggerKind = Extract<PlaceKind, 'stop-market' | 'stop-limit' | 'take-profit' | 'take-profit-limit'>;

export interface ArmedTrigger {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly kind: TriggerKind;
  /** Trigger price, the instrument's float price. */
  trigger: number;
  /** What the venue would have been sent: its market or limit form goes out when the trigger fires. */
  req: PlaceRequest;
}

/** A stop fires when the price moves against the position it protects, a take-profit when it moves for it. */
export function fires(a: Pick<ArmedTrigger, 'side' | 'kind' | 'trigger'>, price: number): boolean {
  const stop = a.kind === 'stop-market' || a.kind === 'stop-limit';
  const up = stop ? a.side === 'buy' : a.side === 'sell';
  return up ? price >= a.trigger : price <= a.trigger;
}

/** The order the venue receives when an emulated trigger fires. */
export function triggeredKind(kind: TriggerKind): 'market' | 'limit' {
  return kind === 'stop-market' || kind === 'take-profit' ? 'market' : 'limit';
}

export class LocalTriggers {
  private readonly bySymbol = new Map<string, Map<string, ArmedTrigger>>();

  arm(a: ArmedTrigger): void {
    let m = this.bySymbol.get(a.symbol);
    if (!m) this.bySymbol.set(a.symbol, (m = new Map()));
    m.set(a.clientOrderId, a);
  }

  get(clientOrderId: string): ArmedTrigger | undefined {
    for (const m of this.bySymbol.values()) {
      const a = m.get(clientOrderId);
      if (a) return a;
    }
    return undefined;
  }

  disarm(clientOrderId: string): ArmedTrigger | undefined {
    for (const m of this.bySymbol.values()) {
      const a = m.get(clientOrderId);
      if (a) {
        m.delete(clientOrderId);
        return a;
      }
    }
    return undefined;
  }

  /** Disarms and returns what a print of `symbol` at `price` fires. */
  crossed(symbol: string, price: number): ArmedTrigger[] {
    const m = this.bySymbol.get(symbol);
    if (!m || m.size === 0 || !(price > 0)) return [];
    const out: ArmedTrigger[] = [];
    for (const a of m.values()) if (fires(a, price)) out.push(a);
    for (const a of out) m.delete(a.clientOrderId);
    return out;
  }
}
