/**
 * The paper account and its settings, persisted in the ledger's accounts table (catalog). One paper account
 * is current; resetting it closes it and opens a fresh one (`paper-2`, `paper-3`, ...) with the saved
 * settings, so fills of the old account never leak into the new one and the old ledger stays intact.
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

export const PAPER_CURRENCY = 'USDT';
export const PAPER_DEFAULTS = { startingBalance: '10000', makerFee: '0.001', takerFee: '0.001' } as const;
/** Fee rates above this are surely a typo (100 bps per side). */
const MAX_FEE = '0.01';
const MAX_BALANCE = '1000000000';

export interface PaperAccountData {
  readonly startingBalance: string;
  readonly makerFee: string;
  readonly takerFee: string;
  readonly limits: RiskLimitsView;
  /** Account-wide limits and monitors (default: the standard profile). */
  readonly riskProfile: RiskProfile;
  readonly tradingState: TradingState;
  readonly stateReason: string;
  /** Settings the NEXT reset will use (saved, not yet applied). */
  readonly next?: { readonly startingBalance: string; readonly makerFee: string; readonly takerFee: string };
  readonly closedAt?: number;
}

export class PaperAccounts {
  private readonly catalog: Catalog;
  private readonly now: () => number;

  constructor(catalog: Catalog, now: () => number = Date.now) {
    this.catalog = catalog;
    this.now = now;
  }

  /** The open paper account, created on first use. */
  current(): { record: AccountRecord; data: PaperAccountData } {
    const open = this.catalog.accounts().filter((a) => a.kind === 'paper' && a.venue === 'paper' && (a.data as Partial<PaperAccountData>).closedAt === undefined);
    const rec = open.at(-1);
    if (rec) return { record: rec, data: withDefaults(rec.data) };
    return this.open(1, withDefaults({}));
  }

  private open(n: number, data: PaperAccountData): { record: AccountRecord; data: PaperAccountData } {
    const record: AccountRecord = { id: `paper-${n}`, venue: 'paper', kind: 'paper', name: `Paper account ${n}`, currency: PAPER_CURRENCY, createdAt: this.now(), data: { ...data } };
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
    const n = this.catalog.accounts().filter((a) => a.kind === 'paper' && a.venue === 'paper').length + 1;
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

function withDefaults(d: Readonly<Record<string, unknown>>): PaperAccountData {
  const x = d as Partial<PaperAccountData>;
  return {
    startingBalance: x.startingBalance ?? PAPER_DEFAULTS.startingBalance,
    makerFee: x.makerFee ?? PAPER_DEFAULTS.makerFee,
    takerFee: x.takerFee ?? PAPER_DEFAULTS.takerFee,
    limits: { ...DEFAULT_LIMITS, ...(x.limits ?? {}) },
    riskProfile: storedProfile(x.riskProfile),
    tradingState: x.tradingState ?? 'active',
    stateReason: x.stateReason ?? 'default',
    ...(x.next ? { next: x.next } : {}),
    ...(x.closedAt !== undefined ? { closedAt: x.closedAt } : {}),
  };
}

/** A stored profile as the schema reads it today; one that no longer validates falls back to the standard one. */
function storedProfile(x: unknown): RiskProfile {
  const r = RiskProfileSchema.safeParse(x ?? STANDARD_PROFILE);
  return r.success ? r.data : STANDARD_PROFILE;
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
