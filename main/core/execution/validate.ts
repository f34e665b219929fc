/** Structural checks of an order request against its instrument, before risk and before any id is spent. */
import { ValidationError, type ErrorIssue } from '../errors.ts';
import type { Instrument, OrderRequest } from '../model/index.ts';
import { moneyToString, notional } from '../model/index.ts';

const TYPES = new Set(['market', 'limit', 'stop-market', 'stop-limit', 'take-profit', 'take-profit-limit', 'trailing-stop']);
const NEEDS_PRICE = new Set(['limit', 'stop-limit', 'take-profit-limit']);
const NEEDS_TRIGGER = new Set(['stop-market', 'stop-limit', 'take-profit', 'take-profit-limit']);

const TIFS = new Set(['GTC', 'IOC', 'FOK', 'GTD']);
const ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** `issues` with one more (made on the first): no array or closure per valid order. */
function issue(issues: ErrorIssue[] | undefined, path: string, message: string): ErrorIssue[] {
  const out = issues ?? [];
  out.push({ path, message });
  return out;
}

export function validateRequest(req: OrderRequest, inst: Instrument | undefined): void {
  // Made only when something is wrong: a valid order (every order on the hot path) allocates nothing here.
  let issues: ErrorIssue[] | undefined;
  if (!inst) {
    throw new ValidationError(`unknown instrument ${req.symbol}`, [{ path: 'symbol', message: 'not configured' }]);
  }
  if (req.side !== 'buy' && req.side !== 'sell') issues = issue(issues, 'side', 'buy or sell');
  if (!TYPES.has(req.type)) issues = issue(issues, 'type', `unknown order type ${String(req.type)}`);
  if (!isPosInt(req.qty)) issues = issue(issues, 'qty', 'a positive integer number of lots');
  if (NEEDS_PRICE.has(req.type) ? !isPosInt(req.price) : req.price !== undefined) {
    issues = issue(issues, 'price', NEEDS_PRICE.has(req.type) ? 'required positive integer ticks' : `not used by ${req.type}`);
  }
  if (NEEDS_TRIGGER.has(req.type) ? !isPosInt(req.triggerPrice) : req.triggerPrice !== undefined && req.type !== 'trailing-stop') {
    issues = issue(issues, 'triggerPrice', NEEDS_TRIGGER.has(req.type) ? 'required positive integer ticks' : `not used by ${req.type}`);
  }
  if (req.type === 'trailing-stop') {
    const t = req.trail;
    if (!t || (t.kind === 'absolute' ? !isPosInt(t.ticks) : t.kind === 'percent' ? !isPosInt(t.bps) || t.bps >= 10_000 : true)) {
      issues = issue(issues, 'trail', 'absolute {ticks} or percent {bps < 10000}');
    }
  } else if (req.trail !== undefined) issues = issue(issues, 'trail', 'only for trailing-stop');
  const tif = req.tif ?? 'GTC';
  if (!TIFS.has(tif)) issues = issue(issues, 'tif', 'GTC, IOC, FOK or GTD');
  if (tif === 'GTD' && !(typeof req.expireAt === 'number' && Number.isFinite(req.expireAt))) issues = issue(issues, 'expireAt', 'required for GTD');
  if (req.postOnly && (req.type !== 'limit' || tif === 'IOC' || tif === 'FOK')) issues = issue(issues, 'postOnly', 'only for resting limit orders');
  if (req.clientOrderId !== undefined && (typeof req.clientOrderId !== 'string' || !ID_RE.test(req.clientOrderId))) {
    issues = issue(issues, 'clientOrderId', '1-64 chars of [A-Za-z0-9._:-]');
  }
  if (issues === undefined && inst.minNotionalMoney > 0n && req.price !== undefined && notional(inst, req.price, req.qty) < inst.minNotionalMoney) {
    const value = moneyToString(notional(inst, req.price, req.qty), 2);
    issues = issue(issues, 'qty', `order value ${value} ${inst.quote} is below the minimum of ${inst.minNotional} ${inst.quote} (min notional)`);
  }
  if (issues !== undefined) throw new ValidationError(`invalid order for ${req.symbol}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
}
