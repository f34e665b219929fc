/**
 * Funding payments at the venue's funding times from its funding-rate history: each rate record
 * `{ ts, rate, markPrice }` is paid once, when the session's clock reaches its time, on whatever position
 * is open then (longs pay a positive rate, shorts receive it: Portfolio.applyFunding). Rates arrive as
 * decimal text (exchange data is hostile input: anything that is not a finite decimal is refused).
 */
import { ValidationError } from '../errors.ts';
import { money, type Lots, type Money, type Ticks } from '../model/index.ts';
import type { FundingEvent, Portfolio } from '../portfolio/portfolio.ts';

export interface FundingRate {
  readonly ts: number;
  /** Decimal fraction per funding interval, e.g. '0.0001' = 1 bp. */
  readonly rate: string;
  /** Mark price at the funding time, in ticks. */
  readonly markPrice: Ticks;
}

export interface FundingDue {
  readonly symbol: string;
  readonly ts: number;
  readonly rate: Money;
  readonly markPrice: Ticks;
}

export class FundingSchedule {
  private readonly due: FundingDue[] = [];
  private next = 0;

  /** Adds a symbol's rate records (any order; a record at a time already added is ignored). */
  add(symbol: string, rates: readonly FundingRate[]): void {
    for (const r of rates) {
      if (!Number.isFinite(r.ts) || !Number.isSafeInteger(r.markPrice) || r.markPrice <= 0) throw new ValidationError(`funding record for ${symbol} at ${String(r.ts)}: bad time or mark`);
      let rate: Money;
      try {
        rate = money(r.rate);
      } catch {
        throw new ValidationError(`funding rate for ${symbol} at ${r.ts} is not a decimal: ${String(r.rate)}`);
      }
      if (this.due.some((d) => d.symbol === symbol && d.ts === r.ts)) continue;
      this.due.push({ symbol, ts: r.ts, rate, markPrice: r.markPrice });
    }
    const done = this.due.slice(0, this.next);
    const rest = this.due.slice(this.next).sort((a, b) => a.ts - b.ts || (a.symbol < b.symbol ? -1 : 1));
    this.due.length = 0;
    this.due.push(...done, ...rest);
  }

  /** The payments due up to `ts` (inclusive) not yet taken, in time order. */
  take(ts: number): FundingDue[] {
    const out: FundingDue[] = [];
    while (this.next < this.due.length && this.due[this.next]!.ts <= ts) out.push(this.due[this.next++]!);
    return out;
  }
}

/** What books funding: the kernel (Engine.applyFunding audits it with the position held at its time). */
export interface FundingBooker {
  readonly portfolio: Portfolio;
  applyFunding(e: FundingEvent, position?: Lots): void;
}

/** Position in `symbol` just before `ts` (funding is settled before any fill at the same instant). */
export function positionBefore(pf: Portfolio, symbol: string, ts: number): Lots {
  let q = 0;
  for (const f of pf.fills()) if (f.symbol === symbol && f.ts < ts) q += f.side === 'buy' ? f.qty : -f.qty;
  return q;
}

/**
 * Books every funding payment due by `now` on the position held at its funding time (flat then: nothing
 * to pay, nothing audited). A record that arrives after the clock passed its time is still booked at its
 * own time: the portfolio re-applies its ledger in canonical order, so the amount is the same either way.
 * Returns the payments booked.
 */
export function settleFunding(k: FundingBooker, schedule: FundingSchedule, now: number): BookedFunding[] {
  const booked: BookedFunding[] = [];
  for (const d of schedule.take(now)) {
    const p = k.portfolio.positions.get(d.symbol);
    if (!p) continue;
    const held = positionBefore(k.portfolio, d.symbol, d.ts);
    if (held === 0) continue;
    const before = p.funding;
    k.applyFunding(d, held);
    booked.push({ ...d, position: held, amount: p.funding - before, currency: p.inst.settle });
  }
  return booked;
}

/** A payment as booked: the position it was paid on and the cash it moved (+ paid, − received). */
export interface BookedFunding extends FundingDue {
  readonly position: Lots;
  readonly amount: Money;
  readonly currency: string;
}
