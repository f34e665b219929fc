/**
 * Round-trip trades from fills. A trade runs from flat to flat on one symbol; a fill that crosses zero is
 * split (its fee in proportion), closing one trade and opening the next. Money is exact: notionals are
 * integer tick·lots times the instrument's notional unit, P&L is net of both sides' fees.
 */
import type { Fill, Instrument, Money } from '../model/index.ts';
import { divRound, lotsToQty, moneyToNumber, moneyToString } from '../model/index.ts';

export interface TradeRecord {
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly entryTs: number;
  readonly exitTs: number;
  /** Base quantity (decimal text) of the entry. */
  readonly qty: string;
  /** Average entry and exit prices (decimal text). */
  readonly entryPrice: string;
  readonly exitPrice: string;
  /** Net P&L after fees, exact decimal text, and its float view. */
  readonly pnl: string;
  readonly pnlValue: number;
  /** P&L as a fraction of the entry notional. */
  readonly returnPct: number;
  readonly fees: string;
  readonly bars: number;
  /** Tag of the order that closed it (exit, stop-loss, take-profit, trailing-stop, end ...). */
  readonly exitReason: string;
}

interface Open {
  side: 1 | -1;
  entryTs: number;
  qty: number;
  entryTL: bigint;
  exitTL: bigint;
  closed: number;
  fees: Money;
}

export interface TradeOptions {
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly intervalMs: number;
  /** Tag of an order by client order id (why a trade was closed). */
  readonly tagOf?: (clientOrderId: string) => string | undefined;
}

export interface TradeList {
  readonly closed: TradeRecord[];
  /** Open at the end of the data (not counted in statistics; marked to market in equity). */
  readonly open: { symbol: string; side: 'long' | 'short'; entryTs: number; qty: string }[];
}

export function buildTrades(fills: readonly Fill[], opts: TradeOptions): TradeList {
  const open = new Map<string, Open>();
  const pos = new Map<string, number>();
  const closed: TradeRecord[] = [];
  for (const f of fills) {
    const inst = opts.instruments.get(f.symbol);
    if (!inst) continue;
    const s = f.side === 'buy' ? 1 : -1;
    let left = f.qty;
    let feeLeft = f.fee;
    while (left > 0) {
      const p = pos.get(f.symbol) ?? 0;
      let t = open.get(f.symbol);
      if (p === 0 || Math.sign(p) === s) {
        // opening or adding
        if (!t) {
          t = { side: s as 1 | -1, entryTs: f.ts, qty: 0, entryTL: 0n, exitTL: 0n, closed: 0, fees: 0n };
          open.set(f.symbol, t);
        }
        t.qty += left;
        t.entryTL += BigInt(left) * BigInt(f.price);
        t.fees += feeLeft;
        pos.set(f.symbol, p + s * left);
        left = 0;
      } else {
        const part = Math.min(left, Math.abs(p));
        const fee = part === left ? feeLeft : divRound(f.fee * BigInt(part), BigInt(f.qty), 'floor');
        feeLeft -= fee;
        left -= part;
        t!.exitTL += BigInt(part) * BigInt(f.price);
        t!.closed += part;
        t!.fees += fee;
        pos.set(f.symbol, p + s * part);
        if (p + s * part === 0) {
          closed.push(finish(t!, f, inst, opts));
          open.delete(f.symbol);
        }
      }
    }
  }
  return {
    closed,
    open: [...open].map(([symbol, t]) => ({ symbol, side: t.side > 0 ? 'long' : 'short', entryTs: t.entryTs, qty: lotsToQty(opts.instruments.get(symbol)!, t.qty) })),
  };
}

function finish(t: Open, f: Fill, inst: Instrument, opts: TradeOptions): TradeRecord {
  const unit = inst.notionalUnit;
  const gross = (t.exitTL - t.entryTL) * BigInt(t.side) * unit;
  const pnl = gross - t.fees;
  const entryNotional = t.entryTL * unit;
  const avg = (tl: bigint, q: number): string => moneyToString(divRound(tl * inst.tick, BigInt(q), 'half-even'), inst.priceDecimals + 4);
  return {
    symbol: f.symbol,
    side: t.side > 0 ? 'long' : 'short',
    entryTs: t.entryTs,
    exitTs: f.ts,
    qty: lotsToQty(inst, t.qty),
    entryPrice: trimZeros(avg(t.entryTL, t.qty)),
    exitPrice: trimZeros(avg(t.exitTL, t.closed)),
    pnl: moneyToString(pnl),
    pnlValue: moneyToNumber(pnl),
    returnPct: entryNotional === 0n ? 0 : moneyToNumber(pnl) / moneyToNumber(entryNotional),
    fees: moneyToString(t.fees),
    bars: Math.round((f.ts - t.entryTs) / opts.intervalMs),
    exitReason: opts.tagOf?.(f.clientOrderId) ?? 'exit',
  };
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
