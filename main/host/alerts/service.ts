/**
 * Alerts in the running host: the definitions (alerts.db), their evaluation on what the host already has —
 * every desk's price ticks (TradingService `observe`), the engine's stored audit events (fills, refusals,
 * rejections, trading-state changes), stream reports and SLO breaks — and what a firing does: recorded in
 * the history with what fired and why, pushed as `alerts.fired` (toast, sound, browser notification), and
 * sent to the alert's channels (delivery.ts). The decisions themselves are pure (main/core/alerts).
 */
import { randomUUID } from 'node:crypto';
import { AlertCondition, AlertInput, type AlertFiring, type AlertView } from '../../contract/alerts.ts';
import type { LiveStatus } from '../../contract/live.ts';
import type { PriceTick } from '../../contract/trading.ts';
import { mayFire, moveHit, priceHit, PriceHistory, type AccountEvent, type Hit } from '../../core/alerts/conditions.ts';
import { parseIndicatorAlert } from '../../core/alerts/indicator.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import type { AuditEvent } from '../../core/ports.ts';
import type { AlertStore, StoredAlert } from '../../storage/alerts.ts';
import type { HostContext } from '../context.ts';
import type { AlertDelivery } from './delivery.ts';
import type { IndicatorFeed } from './indicator-feed.ts';

export interface AlertDeps {
  readonly store: AlertStore;
  readonly delivery: AlertDelivery;
  readonly emit: HostContext['emit'];
  readonly log: HostContext['log'];
  /** The account an alert watches when it names none. */
  readonly selected: () => string;
  /** Channel ids of settings (an alert naming another is refused). */
  readonly channelIds: () => readonly string[];
  readonly now?: () => number;
}

type Definition = Omit<AlertView, 'id' | 'armed' | 'createdAt' | 'lastFiredAt' | 'fired'>;

export class AlertService {
  private readonly d: AlertDeps;
  private readonly now: () => number;
  private readonly alerts = new Map<string, AlertView>();
  private readonly last = new Map<string, string>();
  private readonly histories = new Map<string, PriceHistory>();
  private readonly systemFirings: AlertFiring[] = [];
  private feed: IndicatorFeed | undefined;
  /** Discrepancy ids already alerted, per account (this run). */
  private readonly discrepancies = new Map<string, Set<string>>();

  constructor(d: AlertDeps) {
    this.d = d;
    this.now = d.now ?? Date.now;
    for (const s of d.store.list()) {
      const def = AlertInput.safeParse(s.data);
      if (def.success) this.alerts.set(s.id, viewOf(s, def.data as Definition));
      else d.log.warn({ alert: s.id }, 'a stored alert does not match this release\'s schema; it is skipped');
    }
  }

  /** Same order as the store reads them back (created, then id), so a restart shows the same list. */
  list(): AlertView[] {
    return [...this.alerts.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  create(input: unknown): AlertView {
    const r = AlertInput.safeParse(input);
    if (!r.success) throw new ValidationError(`invalid alert: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    const def = { ...r.data, account: r.data.account ?? this.d.selected(), condition: checked(r.data.condition) } as Definition;
    this.checkChannels(def.channels);
    const view: AlertView = { id: `al-${randomUUID().slice(0, 8)}`, ...def, armed: true, createdAt: this.now(), lastFiredAt: null, fired: 0 };
    this.save(view);
    return view;
  }

  update(id: string, change: { level?: string | undefined; name?: string | undefined; repeat?: 'once' | 'every' | undefined; cooldownSec?: number | undefined; channels?: string[] | undefined; sound?: boolean | undefined; armed?: boolean | undefined }): AlertView {
    const a = this.get(id);
    let condition = a.condition;
    if (change.level !== undefined) {
      if (condition.kind !== 'price') throw new ValidationError('only a price alert has a level', [{ path: 'level', message: `a ${condition.kind} alert has no level` }]);
      condition = AlertCondition.parse({ ...condition, level: change.level });
    }
    if (change.channels) this.checkChannels(change.channels);
    const pick = <K extends keyof AlertView>(k: K, v: AlertView[K] | undefined): AlertView[K] => (v === undefined ? a[k] : v);
    const next: AlertView = {
      ...a, condition, name: pick('name', change.name), repeat: pick('repeat', change.repeat), cooldownSec: pick('cooldownSec', change.cooldownSec),
      channels: pick('channels', change.channels), sound: pick('sound', change.sound),
      // Moving the level re-arms: the trader placed it somewhere new.
      armed: change.armed ?? (change.level !== undefined ? true : a.armed),
    };
    this.save(next);
    return next;
  }

  delete(id: string): boolean {
    this.get(id);
    this.alerts.delete(id);
    const done = this.d.store.delete(id);
    this.changed();
    return done;
  }

  /** Newest first; system firings (seq 0) of this run are merged in by time. */
  history(alertId: string | undefined, limit = 200): AlertFiring[] {
    const stored = this.d.store.history(alertId, limit).map((f) => ({ ...(f.data as AlertFiring), seq: f.seq }));
    const system = this.systemFirings.filter((f) => alertId === undefined || f.alertId === alertId);
    return system.length ? [...stored, ...system].sort((a, b) => b.ts - a.ts).slice(0, limit) : stored;
  }

  // ───────────── what is watched ─────────────

  /** Every desk's price ticks (TradingService `observe`). */
  ticks(account: string, prices: readonly PriceTick[]): void {
    for (const p of prices) {
      const key = `${account}\u0000${p.symbol}`;
      const prev = this.last.get(key);
      this.last.set(key, p.price);
      const moves = this.list().filter((a) => a.account === account && a.condition.kind === 'move' && a.condition.symbol === p.symbol);
      let h = this.histories.get(key);
      if (moves.length) {
        const keep = Math.max(...moves.map((a) => (a.condition.kind === 'move' ? a.condition.windowSec : 0))) * 1000;
        if (!h) this.histories.set(key, (h = new PriceHistory(keep)));
        h.add(p.ts, p.price);
      } else this.histories.delete(key);
      for (const a of this.list()) {
        if (a.account !== account || !mayFire(a, this.now())) continue;
        const c = a.condition;
        if (c.kind === 'price' && c.symbol === p.symbol) this.maybe(a, priceHit(c, prev, p.price));
        else if (c.kind === 'move' && c.symbol === p.symbol && h) this.maybe(a, moveHit(c, h, p.ts, p.price));
      }
    }
  }

  /** Engine events as stored (AuditLog.observe): fills, refusals and rejections, trading-state changes. */
  audit(e: AuditEvent): void {
    const account = (e as { account?: unknown }).account;
    if (typeof account !== 'string') return;
    const p = e.payload as Record<string, unknown>;
    if (e.type === 'fill') {
      const f = p.fill as { symbol: string; side: string; clientOrderId: string };
      this.event(account, 'fill', `fill: ${f.side} ${f.symbol} (order ${f.clientOrderId})`, { clientOrderId: f.clientOrderId, symbol: f.symbol, side: f.side });
    } else if (e.type === 'risk-verdict' && p.ok === false) {
      const rules = ((p.reasons ?? []) as { rule: string; message: string }[]);
      this.event(account, 'rejection', `order refused by the risk gate: ${rules.map((r) => r.message).join('; ')}`, { rules: rules.map((r) => r.rule), source: p.source });
    } else if (e.type === 'order' && p.event === 'rejected') {
      const o = p.order as { clientOrderId: string; symbol: string; reason?: string };
      this.event(account, 'rejection', `order ${o.clientOrderId} rejected by the venue${o.reason ? `: ${o.reason}` : ''}`, { clientOrderId: o.clientOrderId, symbol: o.symbol });
    } else if (e.type === 'trading-state') {
      this.event(account, 'risk-state', `trading state ${String(p.from)} → ${String(p.to)}: ${String(p.reason)}`, { from: p.from, to: p.to, reason: p.reason });
    }
  }

  /** A market stream went down (the stream manager reports it): every account's stream-down alerts. */
  streamDown(stream: string, why: string): void {
    this.event(null, 'stream-down', `market stream ${stream} is down: ${why}`, { stream, why });
  }

  /** A market stream that went down is live again. */
  streamUp(stream: string): void {
    this.event(null, 'stream-up', `market stream ${stream} is live again`, { stream });
  }

  /** Reconciliation found the venue and the ledger disagreeing (the reconciliation gate reports it). */
  discrepancy(account: string, what: string, detail: Record<string, unknown>): void {
    this.event(account, 'reconciliation', `reconciliation discrepancy: ${what}`, detail);
  }

  /**
   * A live account's status (pushed on every change): each discrepancy not seen before in this run fires
   * the account's reconciliation alerts once, whether found at the start gate or while trading.
   */
  liveStatus(account: string, s: LiveStatus): void {
    const seen = this.discrepancies.get(account) ?? new Set<string>();
    this.discrepancies.set(account, seen);
    for (const d of s.discrepancies) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      this.discrepancy(account, `${d.symbol}: ${d.summary}`, { discrepancy: d.id, kind: d.kind, symbol: d.symbol, ledger: d.ledger, venue: d.venue, gate: s.gate });
    }
  }

  /** An indicator alert's condition held on a closed bar (indicator-feed.ts). */
  indicatorHit(alertId: string, hit: Hit): void {
    const a = this.alerts.get(alertId);
    if (a && mayFire(a, this.now())) this.maybe(a, hit);
  }

  /** Market streams indicator alerts watch now (`venue symbol`). */
  watchedStreams(): string[] {
    return this.feed?.streams() ?? [];
  }

  /** Where indicator alerts get their closed bars (set once the market streams exist). */
  watchIndicators(feed: IndicatorFeed): void {
    this.feed = feed;
    feed.sync(this.list());
  }

  /**
   * A firing that belongs to no user alert (a broken SLO): a toast, and the history of this run only — it is
   * the workstation's own state, logged as it happens, not something the trader set up; storing it would
   * turn every slow moment of the machine into a database write.
   */
  system(id: string, name: string, message: string, detail: Record<string, unknown>): void {
    const f: AlertFiring = { seq: 0, alertId: id, name, account: '', ts: this.now(), message, detail, sound: false, desktop: false };
    this.systemFirings.push(f);
    if (this.systemFirings.length > 100) this.systemFirings.shift();
    this.d.emit('alerts.fired', f);
  }

  // ───────────── internals ─────────────

  private event(account: string | null, kind: AccountEvent, message: string, detail: Record<string, unknown>): void {
    for (const a of this.list()) {
      if (a.condition.kind !== 'account' || a.condition.event !== kind) continue;
      if (account !== null && a.account !== account) continue;
      if (mayFire(a, this.now())) this.maybe(a, { message, detail: { event: kind, ...detail } });
    }
  }

  private maybe(a: AlertView, hit: Hit | null): void {
    if (!hit) return;
    const ts = this.now();
    const next: AlertView = { ...a, lastFiredAt: ts, fired: a.fired + 1, armed: a.repeat === 'every' };
    const desktop = a.channels.some((c) => c === 'desktop');
    const data: Omit<AlertFiring, 'seq'> = { alertId: a.id, name: a.name, account: a.account, ts, message: hit.message, detail: { ...hit.detail }, sound: a.sound, desktop };
    let seq: number;
    try {
      seq = this.d.store.fire(stored(next), ts, data);
    } catch (e) {
      this.d.log.error({ err: (e as Error).message, alert: a.id }, 'could not record an alert firing; it is not delivered');
      return;
    }
    this.alerts.set(a.id, next);
    const firing: AlertFiring = { ...data, seq };
    this.d.emit('alerts.fired', firing);
    this.changed();
    this.d.delivery.deliver(firing, a.channels);
  }

  private get(id: string): AlertView {
    const a = this.alerts.get(id);
    if (!a) throw new NotFoundError('alert', id);
    return a;
  }

  private checkChannels(ids: readonly string[]): void {
    const known = this.d.channelIds();
    const bad = ids.filter((c) => !known.includes(c));
    if (bad.length) throw new ValidationError(`no alert channel ${bad.map((b) => `"${b}"`).join(', ')} in settings`, [{ path: 'channels', message: `unknown: ${bad.join(', ')}` }]);
  }

  private save(a: AlertView): void {
    this.d.store.put(stored(a));
    this.alerts.set(a.id, a);
    this.changed();
  }

  private changed(): void {
    const list = this.list();
    this.feed?.sync(list);
    this.d.emit('alerts.changed', { alerts: list });
  }
}

/** An indicator condition passes the rules DSL's own validation (normalised: defaults filled in). */
function checked(c: AlertCondition): AlertCondition {
  if (c.kind !== 'indicator') return c;
  try {
    const spec = parseIndicatorAlert(c);
    return { kind: 'indicator', symbol: c.symbol, timeframe: c.timeframe, indicators: spec.indicators, when: spec.when };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new ValidationError(`invalid alert: ${e.message}`, e.issues.map((i) => ({ path: `condition.${i.path}`, message: i.message })));
  }
}

function stored(a: AlertView): StoredAlert {
  const def: Definition = { name: a.name, account: a.account, condition: a.condition, repeat: a.repeat, cooldownSec: a.cooldownSec, channels: a.channels, sound: a.sound };
  return { id: a.id, createdAt: a.createdAt, armed: a.armed, lastFiredAt: a.lastFiredAt, fired: a.fired, data: def };
}

function viewOf(s: StoredAlert, def: Definition): AlertView {
  return { id: s.id, ...def, armed: s.armed, createdAt: s.createdAt, lastFiredAt: s.lastFiredAt, fired: s.fired };
}
