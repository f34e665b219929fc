/**
 * State at any audit event: folds a session's audit events (oldest first) into the orders, positions,
 * cash, equity and risk state as they were right after event `index`. Positions and cash go through the
 * same Portfolio code the kernel used, fed the audited fills and the audited decision-bar marks, so the
 * reconstructed equity equals the recorded one exactly, not approximately.
 *
 * Stepping forward applies one event; stepping back re-folds from the start (a session's log folds in
 * milliseconds, and a fold cannot drift the way an "undo" could).
 */
import { ValidationError } from '../errors.ts';
import { defineInstrument, moneyToString, type Fill, type InstrumentSpec } from '../model/index.ts';
import type { AuditEvent } from '../ports.ts';
import { Portfolio, type PortfolioConfig } from '../portfolio/portfolio.ts';
import type { SessionStartConfig } from './session.ts';

/** An audit event as stored (the chain entry's data), optionally with the chain seq it was stored at. */
export type RecordedEvent = AuditEvent & { readonly session?: string; readonly sessionSeq?: number; readonly utc?: string; readonly chainSeq?: number };

export interface ReplayOrder {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: string;
  readonly type: string;
  readonly state: string;
  readonly qty: number;
  readonly filledQty: number;
  readonly price?: number;
  readonly triggerPrice?: number;
  readonly tag?: string;
  readonly updatedTs: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ReplayPosition {
  readonly symbol: string;
  readonly qty: number;
  readonly avgPrice: number;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  readonly markPrice: number;
}

export interface ReplayState {
  /** Index of the last applied event (-1 before the first). */
  readonly index: number;
  readonly ts: number | null;
  readonly event: RecordedEvent | null;
  readonly orders: readonly ReplayOrder[];
  readonly openOrders: number;
  readonly positions: readonly ReplayPosition[];
  /** Exact cash balances (decimal strings). */
  readonly cash: Readonly<Record<string, string>>;
  /** Equity at the last marks (float valuation of the exact ledger); null without a session-start config. */
  readonly equity: number | null;
  readonly fills: number;
  readonly signals: number;
  readonly risk: { readonly tradingState: string; readonly approved: number; readonly rejected: number; readonly lastRejection: Readonly<Record<string, unknown>> | null };
}

const TERMINAL = new Set(['filled', 'canceled', 'rejected', 'expired']);

export class Replayer {
  readonly events: readonly RecordedEvent[];
  private portfolio: Portfolio | null = null;
  private orders = new Map<string, ReplayOrder>();
  private i = -1;
  private fills = 0;
  private signals = 0;
  private approved = 0;
  private rejected = 0;
  private lastRejection: Readonly<Record<string, unknown>> | null = null;
  private tradingState = 'active';

  constructor(events: readonly RecordedEvent[]) {
    this.events = events;
  }

  get index(): number {
    return this.i;
  }

  /** Moves to just after event `index` (-1 = before the first). */
  seek(index: number): ReplayState {
    if (!Number.isInteger(index) || index < -1 || index >= this.events.length) throw new ValidationError(`event index ${index} is outside 0..${this.events.length - 1}`);
    if (index < this.i) this.reset();
    while (this.i < index) this.apply(this.events[++this.i]!);
    return this.state();
  }

  forward(): ReplayState {
    return this.seek(Math.min(this.i + 1, this.events.length - 1));
  }

  back(): ReplayState {
    return this.seek(Math.max(this.i - 1, -1));
  }

  private reset(): void {
    this.portfolio = null;
    this.orders = new Map();
    this.i = -1;
    this.fills = this.signals = this.approved = this.rejected = 0;
    this.lastRejection = null;
    this.tradingState = 'active';
  }

  private apply(e: RecordedEvent): void {
    const p = e.payload as Record<string, unknown>;
    switch (e.type) {
      case 'session-start': {
        const cfg = p.config as Partial<SessionStartConfig> | undefined;
        // A start event from an older or foreign recorder may lack the ledger setup: orders and risk still replay.
        try {
          this.portfolio = cfg?.portfolio && Array.isArray(cfg.instruments) ? new Portfolio(cfg.portfolio as PortfolioConfig, cfg.instruments.map((s: InstrumentSpec) => defineInstrument(s))) : null;
          // The account's earlier fills, applied the way the session's kernel applied them at its start.
          for (const f of cfg?.priorFills ?? []) {
            const fill = fillFrom(f as Record<string, unknown>);
            if (this.portfolio?.positions.has(fill.symbol)) this.portfolio.applyFill(fill);
          }
        } catch {
          this.portfolio = null;
        }
        return;
      }
      case 'order': {
        const o = p.order as Record<string, unknown>;
        const id = String(o.clientOrderId);
        this.orders.set(id, {
          clientOrderId: id, symbol: String(o.symbol), side: String(o.side), type: String(o.type), state: String(o.state), qty: Number(o.qty), filledQty: Number(o.filledQty ?? 0),
          ...(o.price !== undefined ? { price: Number(o.price) } : {}), ...(o.triggerPrice !== undefined ? { triggerPrice: Number(o.triggerPrice) } : {}), ...(o.tag !== undefined ? { tag: String(o.tag) } : {}),
          updatedTs: Number(o.updatedTs ?? e.ts), data: o,
        });
        return;
      }
      case 'fill': {
        this.fills++;
        const f = fillFrom(p.fill as Record<string, unknown>);
        if (this.portfolio?.positions.has(f.symbol)) {
          this.portfolio.applyFill(f);
          // Sessions without decision bars (a live feed of trades) are marked at their last fill; bar
          // events re-mark at the close the kernel used, which is what keeps backtest equity exact.
          this.portfolio.mark(f.symbol, f.price * this.portfolio.positions.get(f.symbol)!.inst.tickF);
        }
        return;
      }
      case 'bar':
        if (this.portfolio?.positions.has(String(e.symbol))) this.portfolio.mark(String(e.symbol), Number(p.close));
        return;
      case 'signal':
        this.signals++;
        return;
      case 'risk-verdict':
        if (p.ok) this.approved++;
        else {
          this.rejected++;
          this.lastRejection = { ts: e.ts, symbol: e.symbol ?? null, reasons: p.reasons ?? [], request: p.request ?? null };
        }
        return;
      case 'trading-state':
        this.tradingState = String(p.to);
        return;
      default:
        return;
    }
  }

  state(): ReplayState {
    const ev = this.i >= 0 ? this.events[this.i]! : null;
    const pf = this.portfolio;
    const positions: ReplayPosition[] = [];
    const cash: Record<string, string> = {};
    if (pf) {
      for (const sym of pf.positions.keys()) {
        const s = pf.position(sym);
        positions.push({ symbol: sym, qty: s.qty, avgPrice: s.avgPrice, realizedPnl: moneyToString(s.realizedPnl), unrealizedPnl: moneyToString(s.unrealizedPnl), fees: moneyToString(s.fees), markPrice: s.markPrice });
      }
      for (const [c, v] of Object.entries(pf.balances())) cash[c] = moneyToString(v);
    }
    const orders = [...this.orders.values()];
    return {
      index: this.i, ts: ev ? ev.ts : null, event: ev, orders, openOrders: orders.filter((o) => !TERMINAL.has(o.state)).length, positions, cash,
      equity: pf ? pf.equity() : null, fills: this.fills, signals: this.signals,
      risk: { tradingState: this.tradingState, approved: this.approved, rejected: this.rejected, lastRejection: this.lastRejection },
    };
  }
}

export function stateAt(events: readonly RecordedEvent[], index: number): ReplayState {
  return new Replayer(events).seek(index);
}

/** A fill as audited (fee became a decimal string of atto-units in canonical JSON) back to the model. */
export function fillFrom(f: Record<string, unknown>): Fill {
  const fee = f.fee;
  return { ...(f as unknown as Fill), fee: typeof fee === 'bigint' ? fee : BigInt(String(fee)) };
}
