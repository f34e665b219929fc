/**
 * Maker/taker fees with volume tiers: the tier is chosen by traded notional over a rolling window (30 days
 * by default, as venues do), rates come from the instrument (`feeTiers`, else makerFee/takerFee).
 * Fees round up (ceil) to the atto-unit: against the trader, as venues round.
 */
import type { Instrument, Liquidity, Lots, Money, Ticks } from '../../core/model/index.ts';
import { money, MONEY_SCALE, mulRate, notional } from '../../core/model/index.ts';

interface Tier {
  min: Money;
  maker: Money;
  taker: Money;
  /** Fee per tick·lot when it is a whole number of atto-units (then fee = units × it, exactly); else -1. */
  makerUnit: Money;
  takerUnit: Money;
}

function tier(inst: Instrument, min: Money, maker: Money, taker: Money): Tier {
  const unit = (rate: Money): Money => ((inst.notionalUnit * rate) % MONEY_SCALE === 0n ? (inst.notionalUnit * rate) / MONEY_SCALE : -1n);
  return { min, maker, taker, makerUnit: unit(maker), takerUnit: unit(taker) };
}

export class FeeModel {
  private readonly windowMs: number;
  private readonly tiers = new Map<string, Tier[]>();
  // The rolling window as two parallel arrays (no object per fill), consumed from `head`.
  private histTs: number[] = [];
  private histV: Money[] = [];
  private head = 0;
  private volume: Money = 0n;
  private lastInst: Instrument | undefined;
  private lastTiers: Tier[] = [];
  /**
   * Whether traded volume can change a rate. Until told which instruments it prices, the model assumes so;
   * a venue whose instruments have no volume tiers keeps no window (nothing would ever read it).
   */
  private windowed = true;

  constructor(windowMs = 30 * 86_400_000) {
    this.windowMs = windowMs;
  }

  /** The instruments this model prices (all of a venue's, once): the window is kept only if one has tiers. */
  pricing(instruments: readonly Instrument[]): void {
    this.windowed = instruments.some((i) => i.feeTiers.length > 0);
  }

  private tiersFor(inst: Instrument): Tier[] {
    if (inst === this.lastInst) return this.lastTiers;
    let t = this.tiers.get(inst.symbol);
    if (!t) {
      t = inst.feeTiers.map((x) => tier(inst, money(x.minVolume), money(x.maker), money(x.taker))).sort((a, b) => (a.min < b.min ? -1 : 1));
      if (t.length === 0 || t[0]!.min > 0n) t.unshift(tier(inst, 0n, inst.makerRate, inst.takerRate));
      this.tiers.set(inst.symbol, t);
    }
    this.lastInst = inst;
    this.lastTiers = t;
    return t;
  }

  /** Rate for the next fill at time `ts`. */
  rate(inst: Instrument, liq: Liquidity, ts: number): Money {
    const at = this.tierAt(inst, ts);
    return liq === 'maker' ? at.maker : at.taker;
  }

  private tierAt(inst: Instrument, ts: number): Tier {
    if (!this.windowed) return this.tiersFor(inst)[0]!;
    const from = ts - this.windowMs;
    while (this.head < this.histTs.length && this.histTs[this.head]! <= from) this.volume -= this.histV[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.histTs.length) {
      this.histTs = this.histTs.slice(this.head);
      this.histV = this.histV.slice(this.head);
      this.head = 0;
    }
    const t = this.tiersFor(inst);
    let best = t[0]!;
    for (let i = 1; i < t.length; i++) if (this.volume >= t[i]!.min) best = t[i]!;
    return best;
  }

  /**
   * Fee for a fill of `lots` at `ticks`, and its volume recorded. Whenever the fee per tick·lot is a whole
   * number of atto-units it is units × that (exact, no division); the notional is only made when the window
   * or the division needs it.
   */
  charge(inst: Instrument, ticks: Ticks, lots: Lots, liq: Liquidity, ts: number): Money {
    const at = this.tierAt(inst, ts);
    const unit = liq === 'maker' ? at.makerUnit : at.takerUnit;
    const units = ticks * lots;
    const short = unit >= 0n && Number.isSafeInteger(units);
    if (short && !this.windowed) return BigInt(units) * unit;
    const n = notional(inst, ticks, lots);
    if (this.windowed) {
      this.histTs.push(ts);
      this.histV.push(n);
      this.volume += n;
    }
    return short ? BigInt(units) * unit : mulRate(n, liq === 'maker' ? at.maker : at.taker, 'ceil');
  }
}
