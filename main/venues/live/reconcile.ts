/**
 * Reconciliation: what the ledger believes against what the venue reports, as a list of differences the
 * trader settles one by one (adopt, cancel, acknowledge, re-place). A pure function of the two sides, so the
 * gate before the first live order of a run and the periodic check while running are the same code.
 *
 * The caller runs a REST resync through the live venue first: our own orders that ended while Kestrel was
 * not listening, and our own fills it missed, are then already applied (by client order id and trade id),
 * and what is left here is what Kestrel cannot decide alone.
 */
import type { VenueOrderReport, VenueTradeReport } from '../ccxt/index.ts';

export type ReconcileAction = 'adopt' | 'cancel' | 'acknowledge' | 'replace';

export type DiscrepancyKind =
  /** An open order at the venue that Kestrel did not place (another device, the exchange's site). */
  | 'foreign-order'
  /** An order the ledger holds as working that the venue no longer has open and could not account for. */
  | 'missing-order'
  /** A stop-loss / take-profit the ledger holds as working that is not at the venue. */
  | 'protective-missing'
  /** A fill at the venue for an order Kestrel did not place. */
  | 'foreign-trade'
  /** The venue's position (or base balance, spot) differs from the ledger's, net of what was acknowledged. */
  | 'position-mismatch'
  /** An order whose submit or cancel outcome is still unknown. */
  | 'unknown-order'
  /** A fill the venue reported that would fill an order beyond its size. */
  | 'overfill';

export interface Discrepancy {
  /** Stable across checks, so a decision names what it settles. */
  readonly id: string;
  readonly kind: DiscrepancyKind;
  readonly symbol: string;
  readonly summary: string;
  readonly ledger: string | null;
  readonly venue: string | null;
  readonly actions: readonly ReconcileAction[];
  readonly ref: { readonly clientOrderId?: string; readonly venueOrderId?: string; readonly wireId?: string; readonly tradeId?: string; readonly delta?: number };
}

export interface LedgerOrder {
  readonly clientOrderId: string;
  readonly wireId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly type: string;
  readonly qty: number;
  readonly filled: number;
  readonly state: string;
  readonly protective: boolean;
  readonly unknown: boolean;
}

export interface LedgerSide {
  /** Working orders of the account (the session's OMS, which started from the ledger). */
  readonly openOrders: readonly LedgerOrder[];
  /** Base-unit positions per symbol as the ledger holds them. */
  readonly positions: ReadonlyMap<string, number>;
  /** Differences the trader acknowledged (venue − ledger per symbol): not reported again. */
  readonly baselines: Readonly<Record<string, number>>;
  /** Trade ids already booked or acknowledged. */
  readonly knownTrades: ReadonlySet<string>;
  /** Lot size per symbol: differences below half a lot are rounding, not a discrepancy. */
  readonly lotOf: (symbol: string) => number;
  /** Protective orders lost at the venue and not re-placed (the kernel's `unprotected()`): positions left bare. */
  readonly lost?: readonly { readonly clientOrderId: string; readonly symbol: string; readonly side: 'buy' | 'sell'; readonly type: string; readonly qty: number; readonly reason: string }[];
}

export interface VenueSide {
  readonly openOrders: readonly VenueOrderReport[];
  readonly trades: readonly VenueTradeReport[];
  /** Base-unit position per symbol (perpetuals) or base balance (spot) for the session's symbols. */
  readonly positions: ReadonlyMap<string, number>;
  /** Client ids on the wire that belong to this account's own orders (open or ended). */
  readonly ownWireIds: ReadonlySet<string>;
  readonly overfills: readonly { clientOrderId: string; symbol: string; detail: string }[];
}

export function reconcile(l: LedgerSide, v: VenueSide): Discrepancy[] {
  const out: Discrepancy[] = [];
  const openAtVenue = new Map(v.openOrders.map((o) => [o.clientOrderId ?? `#${o.venueOrderId}`, o]));
  for (const o of v.openOrders) {
    if (o.clientOrderId !== undefined && v.ownWireIds.has(o.clientOrderId)) continue;
    out.push({
      id: `order:${o.venueOrderId}`, kind: 'foreign-order', symbol: o.symbol,
      summary: `Open ${o.side} ${o.type} of ${o.amount}${o.price ? ` @ ${o.price}` : ''}${o.triggerPrice ? ` (trigger ${o.triggerPrice})` : ''} at the venue, not placed by Kestrel`,
      ledger: null, venue: `${o.side} ${o.amount - o.filled} open (client id ${o.clientOrderId ?? 'none'})`, actions: ['adopt', 'cancel', 'acknowledge'],
      ref: { venueOrderId: o.venueOrderId, ...(o.clientOrderId !== undefined ? { wireId: o.clientOrderId } : {}) },
    });
  }
  for (const o of l.openOrders) {
    if (o.state === 'held') continue;
    if (o.unknown) {
      out.push({ id: `unknown:${o.clientOrderId}`, kind: 'unknown-order', symbol: o.symbol, summary: `The outcome of ${o.clientOrderId} (${o.side} ${o.type} ${o.qty}) is not known yet: the venue is being asked by client order id`, ledger: o.state, venue: null, actions: [], ref: { clientOrderId: o.clientOrderId, wireId: o.wireId } });
      continue;
    }
    if (openAtVenue.has(o.wireId)) continue;
    out.push(o.protective
      ? { id: `protective:${o.clientOrderId}`, kind: 'protective-missing', symbol: o.symbol, summary: `Protective ${o.type} ${o.clientOrderId} is working in the ledger but not at the venue`, ledger: `${o.side} ${o.qty - o.filled} ${o.state}`, venue: null, actions: ['replace', 'acknowledge'], ref: { clientOrderId: o.clientOrderId, wireId: o.wireId } }
      : { id: `missing:${o.clientOrderId}`, kind: 'missing-order', symbol: o.symbol, summary: `${o.clientOrderId} is working in the ledger but the venue has no open order with its client id`, ledger: `${o.side} ${o.qty - o.filled} ${o.state}`, venue: null, actions: ['acknowledge'], ref: { clientOrderId: o.clientOrderId, wireId: o.wireId } });
  }
  for (const o of l.lost ?? []) {
    out.push({ id: `lost:${o.clientOrderId}`, kind: 'protective-missing', symbol: o.symbol, summary: `Protective ${o.type} ${o.clientOrderId} ended at the venue (${o.reason}) and was not placed again: the ${o.symbol} position is unprotected`, ledger: `${o.side} ${o.qty} unprotected`, venue: null, actions: ['replace', 'acknowledge'], ref: { clientOrderId: o.clientOrderId } });
  }
  for (const t of v.trades) {
    if (l.knownTrades.has(t.tradeId) || (t.clientOrderId !== undefined && v.ownWireIds.has(t.clientOrderId))) continue;
    out.push({ id: `trade:${t.tradeId}`, kind: 'foreign-trade', symbol: t.symbol, summary: `Fill ${t.tradeId}: ${t.side} ${t.amount} @ ${t.price} of an order Kestrel did not place`, ledger: null, venue: `${t.side} ${t.amount} @ ${t.price}`, actions: ['adopt', 'acknowledge'], ref: { tradeId: t.tradeId, venueOrderId: t.venueOrderId } });
  }
  const symbols = new Set([...l.positions.keys(), ...v.positions.keys()]);
  for (const s of symbols) {
    const ledger = l.positions.get(s) ?? 0;
    const venue = v.positions.get(s);
    if (venue === undefined) continue; // the venue did not report this symbol: nothing to compare
    const delta = venue - ledger - (l.baselines[s] ?? 0);
    if (Math.abs(delta) < l.lotOf(s) / 2) continue;
    out.push({ id: `position:${s}`, kind: 'position-mismatch', symbol: s, summary: `Position ${s}: the venue reports ${round(venue)}, the ledger ${round(ledger)}${l.baselines[s] ? ` (+ ${round(l.baselines[s])} acknowledged)` : ''}`, ledger: String(round(ledger)), venue: String(round(venue)), actions: ['acknowledge'], ref: { delta } });
  }
  for (const x of v.overfills) out.push({ id: `overfill:${x.clientOrderId}`, kind: 'overfill', symbol: x.symbol, summary: x.detail, ledger: null, venue: null, actions: ['acknowledge'], ref: { clientOrderId: x.clientOrderId } });
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}
