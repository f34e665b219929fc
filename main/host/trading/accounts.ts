/**
 * The books of one paper account and their settings, persisted in the ledger's accounts table (catalog;
 * one row per book, `owner` = the account of settings.json). One book is current; resetting the account
 * closes it and opens a fresh one with the saved settings, so fills of the old book never leak into the new
 * one and the old ledger stays intact. Book ids: `paper-1`, `paper-2`, ... for the Demo account (the ids
 * earlier releases used), `<account>:1`, `<account>:2`, ... for every other account.
 *
 * Settings (starting balance, fee rates) are saved at once but apply to the running session only on reset:
 * a fee change mid-session would make the same order cost differently depending on when it was placed.
 * Risk limits and the trading state are kept here too, so a kill switch survives a restart.
 */
import type { PaperSettings, RiskLimitsView, TradingState } from '../../contract/trading.ts';
import { ValidationError } from '../../core/errors.ts';
import { money, moneyToString } from '../../core/model/index.ts';
import type { AccountRecord, Catalog } from '../../storage/index.ts';
import { RiskProfileSchema, STANDARD_PROFILE, type RiskProfile } from '../../core/risk/profile.ts';
import { DEFAULT_LIMITS } from './risk.ts';
import type { MarginMode } from '../../core/margin/margin.ts';

export const PAPER_CURRENCY = 'USDT';
export const PAPER_DEFAULTS = { startingBalance: '10000', makerFee: '0.001', takerFee: '0.001' } as const;
/** Fee rates above this are surely a typo (100 bps per side). */
const MAX_FEE = '0.01';
const MAX_BALANCE = '1000000000';

/** What the trader set per perpetual on the account's books (trading.setMargin): it wins over settings.json. */
export type BookMargin = Readonly<Record<string, { readonly mode: MarginMode; readonly leverage: number }>>;

export interface PaperAccountData {
  readonly startingBalance: string;
  readonly makerFee: string;
  readonly takerFee: string;
  readonly limits: RiskLimitsView;
  /** Account-wide limits and monitors (default: the standard profile). */
  readonly riskProfile: RiskProfile;
  readonly tradingState: TradingState;
  readonly stateReason: string;
  /** Perpetuals: leverage and margin mode the trader set per symbol (trading.setMargin); kept across resets, as a venue keeps them. */
  readonly symbolMargin?: BookMargin;
  /** Settings the NEXT reset will use (saved, not yet applied). */
  readonly next?: { readonly startingBalance: string; readonly makerFee: string; readonly takerFee: string };
  readonly closedAt?: number;
}

/** The account (settings.json) whose books these are. */
export interface BookOwner {
  readonly id: string;
  readonly name: string;
  readonly venue: string;
  readonly currency: string;
}

export class PaperAccounts {
  private readonly catalog: Catalog;
  private readonly owner: BookOwner;
  private readonly limits: RiskLimitsView;
  private readonly now: () => number;
  private readonly profile: RiskProfile;
  /** 'live' for sim / testnet / live accounts (their books hold reconciliation decisions, not a paper balance). */
  private readonly kind: 'paper' | 'live';

  /** `limits`, `profile`: the account's risk profile in the settings, where each new book starts. */
  constructor(catalog: Catalog, owner: BookOwner, limits: RiskLimitsView = DEFAULT_LIMITS, now: () => number = Date.now, profile: RiskProfile = STANDARD_PROFILE, kind: 'paper' | 'live' = 'paper') {
    this.catalog = catalog;
    this.kind = kind;
    this.owner = owner;
    this.limits = limits;
    this.now = now;
    this.profile = profile;
  }

  private books(): AccountRecord[] {
    return this.catalog.accounts().filter((a) => a.kind === this.kind && a.owner === this.owner.id);
  }

  /** The open paper account, created on first use. */
  current(): { record: AccountRecord; data: PaperAccountData } {
    const open = this.books().filter((a) => (a.data as Partial<PaperAccountData>).closedAt === undefined);
    const rec = open.at(-1);
    if (rec) return { record: rec, data: withDefaults(rec.data, this.limits, this.profile) };
    return this.open(this.books().length + 1, withDefaults({}, this.limits, this.profile));
  }

  private open(n: number, data: PaperAccountData): { record: AccountRecord; data: PaperAccountData } {
    const o = this.owner;
    const id = o.id === 'demo' ? `paper-${n}` : `${o.id}:${n}`;
    const record: AccountRecord = { id, owner: o.id, venue: o.venue, kind: this.kind, name: `${o.name} ${n}`, currency: o.currency, createdAt: this.now(), data: { ...data } };
    this.catalog.putAccount(record);
    return { record, data };
  }

  update(change: Partial<PaperAccountData>): PaperAccountData {
    const { record, data } = this.current();
    const next: PaperAccountData = { ...data, ...change };
    this.catalog.putAccount({ ...record, data: { ...next } });
    return next;
  }

  /** Closes the current account and opens the next one with the pending settings (or the same ones). */
  reset(): { record: AccountRecord; data: PaperAccountData } {
    const { record, data } = this.current();
    this.catalog.putAccount({ ...record, data: { ...data, closedAt: this.now() } });
    const n = this.books().length + 1;
    const fresh: PaperAccountData = { ...data, ...(data.next ?? {}), tradingState: 'active', stateReason: 'account reset' };
    delete (fresh as { next?: unknown }).next;
    delete (fresh as { closedAt?: unknown }).closedAt;
    return this.open(n, fresh);
  }

  /** Validates and saves new settings as pending; returns the contract view. */
  saveSettings(change: { startingBalance?: string | undefined; makerFee?: string | undefined; takerFee?: string | undefined }): PaperAccountData {
    const { data } = this.current();
    const base = data.next ?? { startingBalance: data.startingBalance, makerFee: data.makerFee, takerFee: data.takerFee };
    const next = {
      startingBalance: change.startingBalance !== undefined ? decimal('startingBalance', change.startingBalance, MAX_BALANCE, true) : base.startingBalance,
      makerFee: change.makerFee !== undefined ? decimal('makerFee', change.makerFee, MAX_FEE, false) : base.makerFee,
      takerFee: change.takerFee !== undefined ? decimal('takerFee', change.takerFee, MAX_FEE, false) : base.takerFee,
    };
    const same = next.startingBalance === data.startingBalance && next.makerFee === data.makerFee && next.takerFee === data.takerFee;
    const updated: PaperAccountData = { ...data, next };
    if (same) delete (updated as { next?: unknown }).next;
    const { record } = this.current();
    this.catalog.putAccount({ ...record, data: { ...updated } });
    return updated;
  }

  view(): PaperSettings {
    const { record, data } = this.current();
    const s = data.next ?? data;
    return { accountId: record.id, currency: record.currency, startingBalance: s.startingBalance, makerFee: s.makerFee, takerFee: s.takerFee, pendingReset: data.next !== undefined };
  }
}

const LIVE_KEYS = new Set(['baselines', 'ackTrades', 'ackIds', 'dryRun', 'venueBalanceAt']);

function withDefaults(d: Readonly<Record<string, unknown>>, limits: RiskLimitsView, profile: RiskProfile): PaperAccountData {
  const x = d as Partial<PaperAccountData>;
  return {
    startingBalance: x.startingBalance ?? PAPER_DEFAULTS.startingBalance,
    makerFee: x.makerFee ?? PAPER_DEFAULTS.makerFee,
    takerFee: x.takerFee ?? PAPER_DEFAULTS.takerFee,
    limits: { ...limits, ...(x.limits ?? {}) },
    riskProfile: storedProfile(x.riskProfile, profile),
    tradingState: x.tradingState ?? 'active',
    stateReason: x.stateReason ?? 'default',
    ...(x.next ? { next: x.next } : {}),
    ...(x.symbolMargin !== undefined ? { symbolMargin: storedBookMargin(x.symbolMargin) } : {}),
    ...(x.closedAt !== undefined ? { closedAt: x.closedAt } : {}),
    // A live book's reconciliation decisions (live-control.ts) ride along untouched.
    ...Object.fromEntries(Object.entries(d).filter(([k]) => LIVE_KEYS.has(k))),
  };
}

/** A stored profile as the schema reads it today; none, or one that no longer validates, is the account's. */
function storedProfile(x: unknown, fallback: RiskProfile): RiskProfile {
  if (x === undefined) return fallback;
  const r = RiskProfileSchema.safeParse(x);
  return r.success ? r.data : fallback;
}

function decimal(path: string, text: string, max: string, positive: boolean): string {
  let m: bigint;
  try {
    m = money(text);
  } catch {
    throw new ValidationError(`${path}: not a decimal`, [{ path, message: 'expected a decimal' }]);
  }
  if (m < 0n || (positive && m === 0n)) throw new ValidationError(`${path} must be ${positive ? 'greater than zero' : 'zero or more'}`, [{ path, message: positive ? 'must be > 0' : 'must be >= 0' }]);
  if (m > money(max)) throw new ValidationError(`${path} must be at most ${max}`, [{ path, message: `at most ${max}` }]);
  return moneyToString(m);
}

/** The per-symbol margin as stored: an entry that is not a mode and a whole leverage 1–125 is dropped (the symbol falls back to settings.json). */
function storedBookMargin(v: unknown): BookMargin {
  const out: Record<string, { mode: MarginMode; leverage: number }> = {};
  if (!v || typeof v !== 'object') return out;
  for (const [sym, m] of Object.entries(v as Record<string, unknown>)) {
    const e = m as { mode?: unknown; leverage?: unknown } | null;
    if (e && (e.mode === 'cross' || e.mode === 'isolated') && Number.isInteger(e.leverage) && (e.leverage as number) >= 1 && (e.leverage as number) <= 125) out[sym] = { mode: e.mode, leverage: e.leverage as number };
  }
  return out;
}
