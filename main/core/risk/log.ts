/**
 * What a run's risk engine did, for a backtest result and its report: every refusal (with the order and the
 * reasons), every monitor alert and every trading-state change, in order. Refusals beyond `cap` are counted
 * but not listed (a strategy retrying a refused order every bar would otherwise fill the result).
 */
import type { Bus } from '../engine/bus.ts';
import type { EngineEvents } from '../engine/events.ts';
import type { RiskReason } from '../errors.ts';
import type { Clock, RiskAlert, TradingState } from '../ports.ts';

export interface RiskRefusal {
  readonly ts: number;
  readonly symbol: string;
  readonly side: string;
  readonly qty: number;
  readonly source: string;
  readonly reasons: readonly RiskReason[];
}

export interface RiskEventRecord {
  readonly ts: number;
  readonly kind: 'alert' | 'state';
  readonly rule: string;
  readonly message: string;
  readonly state?: TradingState;
  readonly limit?: number;
  readonly value?: number;
  readonly symbol?: string;
}

export interface RiskRunLog {
  /** The profile's name; null = the run had no profile. */
  readonly profile: string | null;
  readonly finalState: TradingState;
  readonly refusals: readonly RiskRefusal[];
  readonly refusalCount: number;
  /** Refusals per rule. */
  readonly byRule: Readonly<Record<string, number>>;
  readonly events: readonly RiskEventRecord[];
  readonly halts: number;
  /**
   * Holds the daily-loss rule put on the run (halted or reducing-only) and how many of them lifted at the next
   * trading day (a backtest's rule, risk/monitor.ts); one that did not was the run's last day. Absent in
   * results stored before this was counted.
   */
  readonly dailyLoss?: { readonly holds: number; readonly lifted: number };
}

export class RiskLog {
  private readonly refusals: RiskRefusal[] = [];
  private readonly events: RiskEventRecord[] = [];
  private readonly byRule: Record<string, number> = {};
  private count = 0;
  private halts = 0;
  private dailyHolds = 0;
  private lifted = 0;
  /** The alert being acted on: a state change that follows it with its message is its doing. */
  private alert: RiskAlert | undefined;
  private readonly clock: Clock;
  private readonly cap: number;

  constructor(bus: Bus<EngineEvents>, clock: Clock, cap = 1000) {
    this.clock = clock;
    this.cap = cap;
    bus.on('risk', (e) => {
      if (e.verdict.ok) return;
      this.count++;
      for (const r of e.verdict.reasons) this.byRule[r.rule] = (this.byRule[r.rule] ?? 0) + 1;
      if (this.refusals.length < this.cap) this.refusals.push({ ts: this.ts(), symbol: e.request.symbol, side: e.request.side, qty: e.request.qty, source: e.source, reasons: e.verdict.reasons });
    });
    bus.on('risk-alert', (a) => {
      this.alert = a;
      this.events.push({ ts: this.ts(), kind: 'alert', rule: a.rule, message: a.message, limit: a.limit, value: a.value, ...(a.state ? { state: a.state } : {}), ...(a.symbol ? { symbol: a.symbol } : {}) });
    });
    bus.on('trading-state', (s) => {
      if (s.state === 'halted') this.halts++;
      const a = this.alert;
      if (a && a.message === s.reason) {
        if (a.lift) this.lifted++;
        else if (a.liftable) this.dailyHolds++;
      }
      this.alert = undefined;
      this.events.push({ ts: this.ts(), kind: 'state', rule: 'trading_state', message: s.reason, state: s.state });
    });
  }

  private ts(): number {
    return this.clock.now();
  }

  result(profile: string | null, finalState: TradingState): RiskRunLog {
    return { profile, finalState, refusals: this.refusals, refusalCount: this.count, byRule: { ...this.byRule }, events: this.events, halts: this.halts, dailyLoss: { holds: this.dailyHolds, lifted: this.lifted } };
  }
}
