/**
 * Maker/taker fees with volume tiers: the tier is chosen by traded notional over a rolling window (30 days
 * by default, as venues do), rates come from the instrument (`feeTiers`, else makerFee/takerFee).
 * Fees round up (ceil) to the atto-unit: against the trader, as venues round.
 */
import type { Instrument, Liquidity, Money } from '../../core/model/index.ts';
import { money, mulRate } from '../../core/model/index.ts';

interface Tier { min: Money; maker: Money; taker: Money }

export class FeeModel {
  private readonly windowMs: number;
  private readonly tiers = new Map<string, Tier[]>();
  private readonly hist: { ts: number; v: Money }[] = [];
  private head = 0;
  private volume: Money = 0n;

  constructor(windowMs = 30 * 86_400_000) {
    this.windowMs = windowMs;
  }

  private tiersFor(inst: Instrument): Tier[] {
    let t = this.tiers.get(inst.symbol);
    if (!t) {
      t = inst.feeTiers.map((x) => ({ min: money(x.minVolume), maker: money(x.maker), taker: money(x.taker) })).sort((a, b) => (a.min < b.min ? -1 : 1));
      if (t.length === 0 || t[0]!.min > 0n) t.unshift({ min: 0n, maker: inst.makerRate, taker: inst.takerRate });
      this.tiers.set(inst.symbol, t);
    }
    return t;
  }

  /** Rate for the next fill at time `ts`. */
  rate(inst: Instrument, liq: Liquidity, ts: number): Money {
    while (this.head < this.hist.length && this.hist[this.head]!.ts <= ts - this.windowMs) this.volume -= this.hist[this.head++]!.v;
    const t = this.tiersFor(inst);
    let tier = t[0]!;
    for (let i = 1; i < t.length; i++) if (this.volume >= t[i]!.min) tier = t[i]!;
    return liq === 'maker' ? tier.maker : tier.taker;
  }

  /** Fee for a fill and record its volume. */
  charge(inst: Instrument, notional: Money, liq: Liquidity, ts: number): Money {
    const fee = mulRate(notional, this.rate(inst, liq, ts), 'ceil');
    this.hist.push({ ts, v: notional });
    this.volume += notional;
    return fee;
  }
}
