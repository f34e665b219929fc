/**
 * Order preview: the verdict the risk gate would give a ticket right now (Engine.checkRisk: the kernel's own
 * gate inputs, nothing submitted, stored or audited), with snapped prices, notional and the estimated fee.
 * A bracket is previewed by its entry: its exits are gated when they are released. An OCO is previewed by
 * both legs (both must pass, as at submit); notional and fee are its take-profit leg's.
 */
import type { Preview, TicketRequest } from '../../contract/trading.ts';
import { ValidationError, type ErrorIssue } from '../../core/errors.ts';
import type { Engine } from '../../core/engine/kernel.ts';
import { validateRequest } from '../../core/execution/validate.ts';
import type { Instrument, OrderRequest, OrderSource } from '../../core/model/index.ts';
import type { AuditSink } from '../../core/ports.ts';
import { lotsToQty, moneyToString, mulRate, notional, ticksToPrice } from '../../core/model/index.ts';
import { parseTicket, triggerNowIssue } from './ticket.ts';
import { moneyText } from './views.ts';

export function previewTicket(e: Engine, inst: Instrument, t: TicketRequest, last: number, equity: bigint): { preview: Preview; request: OrderRequest } {
  const p = parseTicket(t, inst, 'snap', { lastTicks: last, equity });
  const r = p.request;
  const issues: ErrorIssue[] = [];
  const legs = p.oco ?? [r];
  for (const leg of legs) {
    try {
      validateRequest(leg, inst);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (p.triggersNow && !t.confirmTriggerNow) issues.push(triggerNowIssue(inst, r, last));
  const verdicts = legs.map((leg) => e.checkRisk(leg, t.source ?? 'ticket'));
  const verdict = { ok: verdicts.every((v) => v.ok), reasons: verdicts.flatMap((v) => v.reasons) };
  const ref = r.price ?? r.triggerPrice ?? last;
  const s = r.side === 'buy' ? 1 : -1;
  // A limit on the passive side of the last price rests and pays the maker rate; anything else takes.
  const resting = r.type === 'limit' && last > 0 && s * (r.price! - last) < 0;
  const liquidity = resting ? 'maker' : 'taker';
  const rate = liquidity === 'maker' ? inst.makerRate : inst.takerRate;
  const n = ref > 0 ? notional(inst, ref, r.qty) : 0n;
  const px = (v: number | undefined) => (v === undefined ? null : ticksToPrice(inst, v));
  const preview: Preview = {
    ok: verdict.ok && issues.length === 0,
    reasons: [...verdict.reasons],
    issues,
    symbol: t.symbol, side: t.side, type: t.type,
    qty: lotsToQty(inst, r.qty),
    // An OCO's legs are its take-profit and stop-loss: no separate price.
    price: p.oco ? null : px(r.price), triggerPrice: px(r.triggerPrice), takeProfit: px(p.takeProfit), stopLoss: px(p.stopLoss), stopLossLimit: px(p.stopLossLimit),
    snapped: p.snapped,
    triggersNow: p.triggersNow,
    referencePrice: ref > 0 ? ticksToPrice(inst, ref) : null,
    lastPrice: last > 0 ? ticksToPrice(inst, last) : null,
    notional: moneyToString(n),
    estimatedFee: moneyText(mulRate(n, rate, 'ceil'), 18),
    feeRate: moneyToString(rate),
    liquidity,
    equity: moneyText(equity),
    tradingState: e.tradingState,
  };
  return { preview, request: r };
}

/**
 * A ticket refused at preview leaves its trace in the audit log (the risk gate's reasons and the order-shape
 * issues, with the order as the gate saw it): the refusal was a decision, even though nothing was sent.
 * Marked `stage: 'preview'` so a re-run does not take it for an order that was placed.
 */
export function auditPreviewRefusal(sink: AuditSink, ts: number, p: Preview, request: OrderRequest, source: OrderSource): void {
  if (p.ok) return;
  sink.append({
    type: 'risk-verdict', ts, symbol: request.symbol,
    payload: { ok: false, stage: 'preview', reasons: p.reasons, issues: p.issues, request, source, inputs: { tradingState: p.tradingState, lastPrice: p.lastPrice } },
  });
}
