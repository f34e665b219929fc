/**
 * Order-ticket form logic, free of React so it is unit-tested: exact tick snapping on decimal strings (BigInt,
 * no float drift), tick stepping for arrow keys, and turning the form into the contract's TicketRequest. The host
 * snaps and validates again: this only keeps what the trader sees honest before the preview.
 */
import type { Side, TicketOrderType, TicketRequest } from '../../../main/contract/trading.ts';

export interface TicketForm {
  symbol: string;
  side: Side;
  type: TicketOrderType;
  qtyMode: 'qty' | 'pct';
  qty: string;
  pct: string;
  price: string;
  trigger: string;
  takeProfit: string;
  stopLoss: string;
  /** Optional limit for the stop-loss (a stop-limit exit); empty = stop-market. */
  stopLimit: string;
  tif: 'GTC' | 'IOC' | 'FOK';
  /** The trader confirmed a stop whose trigger the market has already crossed (it triggers on arrival). */
  confirmTriggerNow?: boolean;
}

export const emptyForm = (symbol = ''): TicketForm => ({ symbol, side: 'buy', type: 'limit', qtyMode: 'qty', qty: '', pct: '', price: '', trigger: '', takeProfit: '', stopLoss: '', stopLimit: '', tif: 'GTC' });

const DEC = /^\d{1,24}(\.\d{1,18})?$/;

export function isDecimal(s: string): boolean {
  return DEC.test(s.trim());
}

function scaleOf(s: string): number {
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

function toUnits(s: string, scale: number): bigint {
  const [int, frac = ''] = s.split('.');
  return BigInt(int! + frac.padEnd(scale, '0').slice(0, scale));
}

function fromUnits(u: bigint, scale: number): string {
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = scale ? digits.slice(digits.length - scale) : '';
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** The nearest multiple of `tick` (half away from zero), written with the tick's decimals. Invalid input comes back unchanged. */
export function snapToTick(value: string, tick: string): string {
  const v = value.trim();
  if (!isDecimal(v) || !isDecimal(tick)) return value;
  const scale = Math.max(scaleOf(v), scaleOf(tick));
  const t = toUnits(tick, scale);
  if (t === 0n) return value;
  const u = toUnits(v, scale);
  const q = (u + t / 2n) / t;
  return fromUnits(q * t, scale).replace(new RegExp(`(\\.\\d{${scaleOf(tick)}})\\d*$`), '$1').replace(/\.$/, '');
}

/** Rounds a quantity DOWN to the lot (never trade more than typed). */
export function floorToLot(value: string, lot: string): string {
  const v = value.trim();
  if (!isDecimal(v) || !isDecimal(lot)) return value;
  const scale = Math.max(scaleOf(v), scaleOf(lot));
  const l = toUnits(lot, scale);
  if (l === 0n) return value;
  const u = toUnits(v, scale);
  return fromUnits((u / l) * l, scale).replace(new RegExp(`(\\.\\d{${scaleOf(lot)}})\\d*$`), '$1').replace(/\.$/, '');
}

/** `value` moved by n ticks (arrow keys), snapped first; never below one tick. */
export function stepTicks(value: string, tick: string, n: number, fallback: string | null): string {
  const base = isDecimal(value) ? snapToTick(value, tick) : fallback && isDecimal(fallback) ? snapToTick(fallback, tick) : null;
  if (!base || !isDecimal(tick)) return value;
  const scale = scaleOf(tick);
  const t = toUnits(tick, scale);
  const u = toUnits(base, scale) + BigInt(n) * t;
  return fromUnits(u < t ? t : u, scale);
}

/** Which price fields an order type needs. */
export function fieldsFor(type: TicketOrderType): { price: boolean; trigger: boolean; bracket: boolean; priceOptional: boolean } {
  switch (type) {
    case 'market':
      return { price: false, trigger: false, bracket: false, priceOptional: false };
    case 'limit':
      return { price: true, trigger: false, bracket: false, priceOptional: false };
    case 'stop':
      return { price: false, trigger: true, bracket: false, priceOptional: false };
    case 'stop-limit':
      return { price: true, trigger: true, bracket: false, priceOptional: false };
    case 'bracket':
      return { price: true, trigger: false, bracket: true, priceOptional: true };
    case 'oco':
      return { price: false, trigger: false, bracket: true, priceOptional: false };
  }
}

export interface FormProblem {
  field: keyof TicketForm;
  message: string;
}

/** The form as a contract request, or the problems that stop it (each naming its field). */
export function toRequest(f: TicketForm, tick: string | null, source: 'ticket' | 'hotkey' = 'ticket'): { request: TicketRequest } | { problems: FormProblem[] } {
  const problems: FormProblem[] = [];
  const need = fieldsFor(f.type);
  const snap = (s: string) => (tick ? snapToTick(s.trim(), tick) : s.trim());
  if (!f.symbol) problems.push({ field: 'symbol', message: 'Pick a symbol' });
  const amount = f.qtyMode === 'qty' ? f.qty.trim() : f.pct.trim();
  if (!isDecimal(amount) || Number(amount) <= 0) problems.push({ field: f.qtyMode, message: f.qtyMode === 'qty' ? 'Enter a quantity above 0' : 'Enter a % of equity above 0' });
  else if (f.qtyMode === 'pct' && Number(amount) > 100) problems.push({ field: 'pct', message: 'At most 100% of equity' });
  const price = (field: 'price' | 'trigger' | 'takeProfit' | 'stopLoss' | 'stopLimit', label: string, optional = false) => {
    const v = f[field].trim();
    if (!v && optional) return undefined;
    if (!isDecimal(v) || Number(v) <= 0) {
      problems.push({ field, message: `Enter a ${label} above 0` });
      return undefined;
    }
    return snap(v);
  };
  const req: Record<string, unknown> = { symbol: f.symbol, side: f.side, type: f.type, source };
  if (f.qtyMode === 'qty') req.qty = amount;
  else req.equityPct = amount;
  if (need.price) {
    const p = price('price', need.bracket ? 'entry price' : 'limit price', need.priceOptional);
    if (p) req.price = p;
  }
  if (need.trigger) {
    const p = price('trigger', 'trigger price');
    if (p) req.triggerPrice = p;
  }
  if (need.bracket) {
    const tp = price('takeProfit', 'take-profit price');
    const sl = price('stopLoss', 'stop-loss price');
    const sll = price('stopLimit', 'stop-loss limit price', true);
    if (tp) req.takeProfit = tp;
    if (sl) req.stopLoss = sl;
    if (sll) req.stopLossLimit = sll;
  }
  if (f.type !== 'market' && f.type !== 'stop') req.tif = f.tif;
  if (need.trigger && f.confirmTriggerNow) req.confirmTriggerNow = true;
  if (problems.length) return { problems };
  return { request: req as TicketRequest };
}
