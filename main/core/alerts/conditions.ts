/**
 * When an alert's condition holds, from prices and account events — pure: the host feeds it prints and
 * events with their timestamps and acts on what it returns. Once/every-time with a cooldown is decided
 * here too, so it is the same in a test as in the app.
 *
 * Price conditions compare exact decimals (scaled bigints) against the level: a float would make
 * "crossed 42000.1" depend on binary rounding.
 */
import { MONEY_SCALE, money, moneyToString, type Money } from '../model/index.ts';

export type PriceOp = 'crosses' | 'above' | 'below';
export type AccountEvent = 'fill' | 'rejection' | 'risk-state' | 'stream-down' | 'stream-up' | 'reconciliation';

export type Condition =
  | { readonly kind: 'price'; readonly symbol: string; readonly op: PriceOp; readonly level: string }
  | { readonly kind: 'move'; readonly symbol: string; readonly pct: string; readonly windowSec: number }
  | { readonly kind: 'account'; readonly event: AccountEvent }
  /** Tested on closed bars by indicator.ts; here only its kind matters. */
  | { readonly kind: 'indicator'; readonly symbol: string; readonly timeframe: string };

export interface Rule {
  readonly id: string;
  readonly account: string;
  readonly condition: Condition;
  readonly repeat: 'once' | 'every';
  readonly cooldownSec: number;
  readonly armed: boolean;
  readonly lastFiredAt: number | null;
}

export interface Hit {
  readonly message: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** May the rule fire at `now`: armed, and (a repeating one) past its cooldown. A re-armed `once` fires at once. */
export function mayFire(r: Rule, now: number): boolean {
  if (!r.armed) return false;
  return r.repeat === 'once' || r.lastFiredAt === null || now - r.lastFiredAt >= r.cooldownSec * 1000;
}

/** A price condition against the previous and the current print (previous undefined: the first print seen). */
export function priceHit(c: Extract<Condition, { kind: 'price' }>, prev: string | undefined, cur: string): Hit | null {
  const level = money(c.level);
  const p = money(cur);
  const before = prev === undefined ? undefined : money(prev);
  const detail = { symbol: c.symbol, op: c.op, level: c.level, price: cur, previous: prev ?? null };
  if (c.op === 'above') return p > level ? { message: `${c.symbol} is above ${c.level} (last ${cur})`, detail } : null;
  if (c.op === 'below') return p < level ? { message: `${c.symbol} is below ${c.level} (last ${cur})`, detail } : null;
  if (before === undefined) return null;
  const up = before < level && p >= level;
  const down = before > level && p <= level;
  return up || down ? { message: `${c.symbol} crossed ${c.level} ${up ? 'upwards' : 'downwards'} (last ${cur})`, detail: { ...detail, direction: up ? 'up' : 'down' } } : null;
}

/** Prices of one symbol over time, enough to answer "how far did it move in the last N seconds". */
export class PriceHistory {
  private readonly ts: number[] = [];
  private readonly px: Money[] = [];
  private readonly keepMs: number;

  constructor(keepMs: number) {
    this.keepMs = keepMs;
  }

  add(ts: number, price: string): void {
    this.ts.push(ts);
    this.px.push(money(price));
    let drop = 0;
    while (drop < this.ts.length - 1 && ts - this.ts[drop]! > this.keepMs) drop++;
    if (drop) {
      this.ts.splice(0, drop);
      this.px.splice(0, drop);
    }
  }

  /** The oldest price within `windowMs` before `now` (the reference a move is measured from). */
  reference(now: number, windowMs: number): { ts: number; price: Money } | undefined {
    for (let i = 0; i < this.ts.length; i++) if (now - this.ts[i]! <= windowMs) return { ts: this.ts[i]!, price: this.px[i]! };
    return undefined;
  }
}

/** A % move condition: |cur − ref| / ref ≥ pct, ref the oldest price inside the window. */
export function moveHit(c: Extract<Condition, { kind: 'move' }>, h: PriceHistory, now: number, cur: string): Hit | null {
  const ref = h.reference(now, c.windowSec * 1000);
  if (!ref || ref.price <= 0n) return null;
  const p = money(cur);
  const diff = p - ref.price;
  const abs = diff < 0n ? -diff : diff;
  // abs / ref ≥ pct / 100  ⇔  abs × 100 ≥ pct × ref, exactly.
  if (abs * money(100) < money(c.pct) * ref.price) return null;
  const movedPct = moneyToString((diff * 100n * MONEY_SCALE) / ref.price);
  return {
    message: `${c.symbol} moved ${diff < 0n ? '' : '+'}${round2(movedPct)} % in ${Math.round((now - ref.ts) / 1000)} s (from ${moneyToString(ref.price)} to ${cur})`,
    detail: { symbol: c.symbol, pct: c.pct, windowSec: c.windowSec, from: moneyToString(ref.price), fromTs: ref.ts, price: cur, movedPct },
  };
}

function round2(s: string): string {
  const n = Number(s);
  return Number.isFinite(n) ? n.toFixed(2) : s;
}
