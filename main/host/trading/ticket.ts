/**
 * Order ticket (contract, decimal strings) → engine requests (integer ticks and lots), exactly.
 *
 * Two modes: `exact` for submit — a price off the tick grid or a quantity off the lot grid is a
 * ValidationError naming the field, never silently moved; `snap` for preview — prices go to the NEAREST
 * tick (half-even) and the quantity DOWN to the lot, and the preview says whether anything moved, so the
 * ticket can show the trader what would actually be sent.
 * Sizes that would overflow the exact integer range of the engine (ticks × lots ≥ 2^53) are refused here.
 */
import type { TicketRequest } from '../../contract/trading.ts';
import { ValidationError, type ErrorIssue } from '../../core/errors.ts';
import type { BracketRequest, Instrument, Money, OrderRequest, Rounding } from '../../core/model/index.ts';
import { divRound, money, moneyToString, ticksToPrice } from '../../core/model/index.ts';

export type TicketMode = 'exact' | 'snap';

export interface ParsedTicket {
  /** The entry order (the only order unless bracket; an OCO's take-profit leg). */
  readonly request: OrderRequest;
  readonly bracket: BracketRequest | undefined;
  /** An OCO's legs: take-profit limit, then the stop. */
  readonly oco: readonly OrderRequest[] | undefined;
  /** True when a price or the quantity was moved onto the grid (snap mode only). */
  readonly snapped: boolean;
  readonly takeProfit: number | undefined;
  readonly stopLoss: number | undefined;
  readonly stopLossLimit: number | undefined;
  /** A stop (or stop-limit) whose trigger the last price has already crossed: it would trigger on arrival. */
  readonly triggersNow: boolean;
}

export interface SizingContext {
  /** Last price in ticks; 0 when unknown. */
  readonly lastTicks: number;
  /** Exact equity of the account in the instrument's settlement currency. */
  readonly equity: Money;
}

const USES: Record<TicketRequest['type'], readonly (keyof TicketRequest)[]> = {
  market: [],
  limit: ['price'],
  stop: ['triggerPrice'],
  'stop-limit': ['triggerPrice', 'price'],
  bracket: ['price', 'takeProfit', 'stopLoss', 'stopLossLimit'],
  oco: ['takeProfit', 'stopLoss', 'stopLossLimit'],
};
const REQUIRED: Record<TicketRequest['type'], readonly (keyof TicketRequest)[]> = {
  market: [],
  limit: ['price'],
  stop: ['triggerPrice'],
  'stop-limit': ['triggerPrice', 'price'],
  bracket: ['takeProfit', 'stopLoss'],
  oco: ['takeProfit', 'stopLoss'],
};
const PRICE_FIELDS = ['price', 'triggerPrice', 'takeProfit', 'stopLoss', 'stopLossLimit'] as const;

/**
 * Decimal text → a whole number of steps (ticks or lots), rounded by `round` ('exact' refuses what is off the
 * grid). The issue names the field when the text cannot be one: not a decimal, not positive, off the grid,
 * below one step, beyond the exact integer range.
 */
export function toSteps(field: string, text: string, step: Money, round: Rounding): { readonly steps: number; readonly snapped: boolean } | { readonly issue: ErrorIssue } {
  const issue = (message: string) => ({ issue: { path: field, message } });
  let m: Money;
  try {
    m = money(text);
  } catch {
    return issue(`not a decimal: ${text.slice(0, 40)}`);
  }
  if (m <= 0n) return issue('must be greater than zero');
  let n: bigint;
  try {
    n = divRound(m, step, round);
  } catch {
    return issue(`not a multiple of ${moneyToString(step)}`);
  }
  if (n <= 0n) return issue(`below one ${field === 'qty' ? 'lot' : 'tick'} (${moneyToString(step)})`);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) return issue('out of range');
  return { steps: Number(n), snapped: n * step !== m };
}

export function parseTicket(t: TicketRequest, inst: Instrument, mode: TicketMode, sizing: SizingContext): ParsedTicket {
  const issues: ErrorIssue[] = [];
  let snapped = false;
  for (const f of PRICE_FIELDS) {
    if (t[f] !== undefined && !USES[t.type].includes(f)) issues.push({ path: f, message: `not used by a ${t.type} order` });
  }
  for (const f of REQUIRED[t.type]) if (t[f] === undefined) issues.push({ path: f, message: `required for a ${t.type} order` });
  if ((t.qty === undefined) === (t.equityPct === undefined)) issues.push({ path: 'qty', message: 'give either qty or equityPct' });
  if (t.postOnly && t.type !== 'limit') issues.push({ path: 'postOnly', message: 'only for limit orders' });
  if (issues.length) throw invalid(t, issues);

  const grid = (field: string, text: string, step: Money, round: Rounding): number => {
    const r = toSteps(field, text, step, mode === 'exact' ? 'exact' : round);
    if ('issue' in r) throw invalid(t, [r.issue]);
    if (r.snapped) snapped = true;
    return r.steps;
  };

  const p: Partial<Record<(typeof PRICE_FIELDS)[number], number>> = {};
  for (const f of PRICE_FIELDS) if (t[f] !== undefined) p[f] = grid(f, t[f]!, inst.tick, 'half-even');

  let lots: number;
  if (t.qty !== undefined) lots = grid('qty', t.qty, inst.lot, 'floor');
  else {
    const pct = money(t.equityPct!);
    if (pct <= 0n || pct > money(100)) throw invalid(t, [{ path: 'equityPct', message: 'between 0 and 100' }]);
    const ref = p.price ?? p.triggerPrice ?? p.takeProfit ?? sizing.lastTicks;
    if (!(ref > 0)) throw invalid(t, [{ path: 'equityPct', message: 'no price to size the order against yet' }]);
    if (sizing.equity <= 0n) throw invalid(t, [{ path: 'equityPct', message: 'account equity is not positive' }]);
    // lots = floor(equity × pct / 100 / (ref ticks × notional of one tick·lot)), all exact.
    const budget = divRound(sizing.equity * pct, money(100), 'floor');
    const n = divRound(budget, BigInt(ref) * inst.notionalUnit, 'floor');
    if (n <= 0n) throw invalid(t, [{ path: 'equityPct', message: 'too small for one lot at this price' }]);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalid(t, [{ path: 'equityPct', message: 'out of range' }]);
    lots = Number(n);
  }
  const ref = p.price ?? p.triggerPrice ?? p.takeProfit ?? 1;
  for (const v of [p.price, p.triggerPrice, p.takeProfit, p.stopLoss, p.stopLossLimit, ref]) {
    if (v !== undefined && v * lots > Number.MAX_SAFE_INTEGER) throw invalid(t, [{ path: 'qty', message: 'order too large' }]);
  }

  const base = {
    symbol: t.symbol,
    side: t.side,
    qty: lots,
    ...(t.tif ? { tif: t.tif } : {}),
    ...(t.reduceOnly ? { reduceOnly: true } : {}),
    ...(t.postOnly ? { postOnly: true } : {}),
    ...(t.tag ? { tag: t.tag } : {}),
  } as const;
  let request: OrderRequest;
  let bracket: BracketRequest | undefined;
  let oco: OrderRequest[] | undefined;
  switch (t.type) {
    case 'market':
      request = { ...base, type: 'market' };
      break;
    case 'limit':
      request = { ...base, type: 'limit', price: p.price! };
      break;
    case 'stop':
      request = { ...base, type: 'stop-market', triggerPrice: p.triggerPrice! };
      break;
    case 'stop-limit':
      request = { ...base, type: 'stop-limit', triggerPrice: p.triggerPrice!, price: p.price! };
      break;
    case 'bracket': {
      request = p.price === undefined ? { ...base, type: 'market' } : { ...base, type: 'limit', price: p.price };
      checkExitSides(t, p.takeProfit!, p.stopLoss!, p.price ?? sizing.lastTicks, t.side === 'buy' ? 1 : -1, 'entry price');
      bracket = { entry: request, takeProfit: p.takeProfit!, stopLoss: p.stopLoss!, ...(p.stopLossLimit !== undefined ? { stopLimit: p.stopLossLimit } : {}) };
      break;
    }
    case 'oco': {
      checkExitSides(t, p.takeProfit!, p.stopLoss!, sizing.lastTicks, t.side === 'sell' ? 1 : -1, 'last price');
      request = { ...base, type: 'limit', price: p.takeProfit! };
      const stop: OrderRequest = p.stopLossLimit !== undefined ? { ...base, type: 'stop-limit', triggerPrice: p.stopLoss!, price: p.stopLossLimit } : { ...base, type: 'stop-market', triggerPrice: p.stopLoss! };
      oco = [request, stop];
      break;
    }
  }
  const triggersNow = crossedTrigger(request, sizing.lastTicks);
  // Exchanges and MT5 refuse such a stop; sending it anyway is the trader's explicit choice, never a default.
  if (triggersNow && mode === 'exact' && !t.confirmTriggerNow) throw invalid(t, [triggerNowIssue(inst, request, sizing.lastTicks)]);
  return { request, bracket, oco, snapped, takeProfit: p.takeProfit, stopLoss: p.stopLoss, stopLossLimit: p.stopLossLimit, triggersNow };
}

/** True for a buy stop at or below the last price, or a sell stop at or above it (unknown last price: false). */
export function crossedTrigger(r: OrderRequest, lastTicks: number): boolean {
  const trigger = r.type === 'stop-market' || r.type === 'stop-limit' ? r.triggerPrice : undefined;
  if (trigger === undefined || !(lastTicks > 0)) return false;
  return r.side === 'buy' ? trigger <= lastTicks : trigger >= lastTicks;
}

/** The issue a crossed trigger raises, in the trader's words. */
export function triggerNowIssue(inst: Instrument, r: OrderRequest, lastTicks: number): ErrorIssue {
  const where = r.side === 'buy' ? 'at or above' : 'at or below';
  return {
    path: 'triggerPrice',
    message: `would trigger at once: the last price ${ticksToPrice(inst, lastTicks)} is already ${where} this ${r.side} stop's trigger — confirm to send it anyway, or move the trigger ${r.side === 'buy' ? 'above' : 'below'} the market`,
  };
}

/**
 * Exits on the right sides of a reference price: with dir +1 the take-profit is above it and the stop below
 * (a long bracket's exits around its entry; a sell OCO around the last price), mirrored with dir -1.
 * Unchecked while the reference is unknown (0).
 */
function checkExitSides(t: TicketRequest, tp: number, sl: number, ref: number, dir: 1 | -1, refName: string): void {
  const issues: ErrorIssue[] = [];
  if (ref > 0 && dir * (tp - ref) <= 0) issues.push({ path: 'takeProfit', message: `must be ${dir > 0 ? 'above' : 'below'} the ${refName}` });
  if (ref > 0 && dir * (ref - sl) <= 0) issues.push({ path: 'stopLoss', message: `must be ${dir > 0 ? 'below' : 'above'} the ${refName}` });
  if (issues.length) throw invalid(t, issues);
}

function invalid(t: TicketRequest, issues: ErrorIssue[]): ValidationError {
  return new ValidationError(`Invalid ${t.type} order for ${t.symbol}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
}
