/**
 * Strict spot balances, as a spot exchange keeps them: per asset a total (the ledger's) split into what
 * working orders reserve and what is free. A buy reserves its quote (limit price, or the best ask / last
 * price for a market order, × qty, plus the taker fee); a sell reserves its base. An OCO's legs, or a
 * bracket's exits, reserve once (one of them can fill). An order that needs more than is free is refused
 * at submit with the exchange's reason, `insufficient_balance`, and nothing is ever sold that is not held:
 * a spot sell from flat is refused instead of opening a short.
 */
import type { Instrument, Lots, Money, Ticks } from '../../core/model/index.ts';
import { moneyToString, mulRate, notional } from '../../core/model/index.ts';
import type { Working } from './matching.ts';

export interface SpotBalanceView {
  readonly asset: string;
  readonly total: string;
  readonly reserved: string;
  readonly free: string;
}

export class SpotBalances {
  /** The ledger's holding of an instrument's base asset, in lots (fills applied). */
  private readonly holding: (symbol: string) => Lots;

  constructor(holding: (symbol: string) => Lots) {
    this.holding = holding;
  }

  /** Base lots held now: the ledger's plus this matching pass's fills not yet applied. */
  held(symbol: string, passPos: number): Lots {
    return this.holding(symbol) + passPos;
  }

  /** Quote a working buy reserves: remaining × its price, plus the taker fee (the most it can cost). */
  static buyReserve(w: Working, refTicks: Ticks): Money {
    const px = w.limY !== Infinity ? w.limY : w.trigY !== Infinity ? w.trigY : refTicks;
    if (!(px > 0) || w.remaining <= 0) return 0n;
    const n = notional(w.inst, px, w.remaining);
    return n + mulRate(n, w.inst.takerRate, 'ceil');
  }

  /** Quote reserved in `ccy` and base lots reserved in `symbol` by working orders (OCO legs counted once). */
  static reserved(working: readonly Working[], ccy: string, symbol: string, ref: (w: Working) => Ticks): { quote: Money; base: Lots } {
    let quote = 0n;
    let base = 0;
    const groups = new Map<string, { quote: Money; base: Lots }>();
    for (const w of working) {
      if (w.canceled || w.inst.kind !== 'spot') continue;
      const q = w.s > 0 && w.inst.quote === ccy ? SpotBalances.buyReserve(w, ref(w)) : 0n;
      const b = w.s < 0 && w.inst.symbol === symbol ? w.remaining : 0;
      const g = w.order.groupId; // an OCO's legs, a bracket's exits: one of them can fill
      if (g === undefined) {
        quote += q;
        base += b;
        continue;
      }
      const prev = groups.get(g) ?? { quote: 0n, base: 0 };
      groups.set(g, { quote: q > prev.quote ? q : prev.quote, base: Math.max(b, prev.base) });
    }
    for (const g of groups.values()) {
      quote += g.quote;
      base += g.base;
    }
    return { quote, base };
  }

  /**
   * Why the exchange would refuse `w` now (undefined: accepted). `others`: the orders already working.
   * `cash`: the quote balance now.
   */
  refusal(w: Working, others: readonly Working[], cash: Money, passPos: number, ref: (w: Working) => Ticks): string | undefined {
    const inst: Instrument = w.inst;
    if (inst.kind !== 'spot' || w.order.reduceOnly) return undefined;
    const r = SpotBalances.reserved(others, inst.quote, inst.symbol, ref);
    if (w.s > 0) {
      const need = SpotBalances.buyReserve(w, ref(w));
      return need > cash - r.quote ? 'insufficient_balance' : undefined;
    }
    const sibling = w.order.groupId !== undefined && others.some((o) => !o.canceled && o.order.groupId === w.order.groupId && o.s < 0);
    if (sibling) return undefined; // the group's sale is already reserved
    return w.remaining > this.held(inst.symbol, passPos) - r.base ? 'insufficient_balance' : undefined;
  }

  /** Per-asset balances of the instruments' assets, for the account view. */
  static view(total: ReadonlyMap<string, Money>, reserved: ReadonlyMap<string, Money>): SpotBalanceView[] {
    return [...total.keys()].sort().map((asset) => {
      const t = total.get(asset)!;
      const r = reserved.get(asset) ?? 0n;
      return { asset, total: moneyToString(t), reserved: moneyToString(r), free: moneyToString(t - r) };
    });
  }
}
