/**
 * The host's trading service: one desk (desk.ts) per account of settings.json, and which account the
 * workstation acts on. A desk's session starts when its account is first used (selected, or named by a
 * command) and keeps running when another account is selected, so a strategy on one account goes on while
 * the trader looks at another. Only the selected account's desk pushes contract events: the renderer shows
 * one account at a time and re-reads everything when the selection changes.
 *
 * Paper accounts trade on their venue's live prices (its trade prints from the host's market streams) with
 * local matching; a host built without streams runs them on the synthetic demo feed. Sim accounts trade on Kestrel Sim's own matching engine, testnet and live accounts on the
 * exchange, through the venue connections (live-connect.ts), behind the reconciliation gate and arming.
 */
import type { ProtectiveLostPolicy } from '../../core/execution/protection.ts';
import type { AccountSettings, SettingsDocument, VenueSettings } from '../../contract/settings.ts';
import { SettingsDocument as SettingsSchema } from '../../contract/settings.ts';
import type { AccountList } from '../../contract/accounts.ts';
import type { SessionView } from '../../contract/trading.ts';
import { DEMO_EXCHANGE } from '../../core/data/demo.ts';
import { NotFoundError, ValidationError } from '../../core/errors.ts';
import { accountProfile, newBookProfile } from '../settings/account-risk.ts';
import type { RiskProfile } from '../../core/risk/profile.ts';
import type { CandleStore, LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import { PAPER_CURRENCY } from './accounts.ts';
import type { FeedConfig } from './compose.ts';
import { closeDeadSessions } from './dead-sessions.ts';
import type { RiskAuthenticator } from './risk-auth.ts';
import type { RiskWindowRunner } from './risk-window.ts';
import { AccountDesk, type VenuePrices } from './desk.ts';
import type { TradingSession } from './session.ts';
import type { LiveDeps } from './live-connect.ts';

export interface TradingServiceOptions {
  readonly ledger: LedgerStores;
  /** Where closed live candles are appended (1m, under the venue's source). Absent: only pushed as events. */
  readonly candles?: CandleStore;
  readonly emit: HostContext['emit'];
  /** Sees every desk's events, whichever account is selected (alerts watch every account's prices). */
  readonly observe?: (account: string, channel: string, payload: unknown) => void;
  readonly log: HostContext['log'];
  readonly feed?: Partial<FeedConfig>;
  /**
   * The settings' accounts, venues and risk profiles, read on each use (an account added in the panel is
   * usable at once). Default: the default document's (the Demo paper account on Kestrel Sim).
   */
  readonly settings?: () => Pick<SettingsDocument, 'accounts' | 'venues' | 'riskProfiles' | 'selectedAccount'>;
  /** Persists the selection (settings.json `selectedAccount`). */
  readonly saveSelection?: (account: string) => void;
  /** Writes the accounts (settings.json `accounts`, validated as a whole document: a bad account is refused, nothing written). */
  readonly saveAccounts?: (accounts: AccountSettings[]) => void;
  /** Wall clock (tests inject one). */
  readonly now?: () => number;
  /** Min interval between mark-to-market portfolio events (fills always push at once). */
  readonly portfolioThrottleMs?: number;
  /**
   * A venue's markets and trade prints (the host's market streams): paper accounts trade on their venue's
   * prices. Absent: paper accounts on a built-in venue run on the synthetic demo feed (tests without streams).
   */
  readonly venuePrices?: (venue: VenueSettings) => VenuePrices;
  /** Venue connections for sim / testnet / live accounts; without them such accounts are refused. */
  readonly live?: LiveDeps & { readonly checkMs?: number; readonly pollMs?: number };
  /** Builds a session's correlation/VaR window from stored candles (a pool task); absent: it fills from live prices. */
  readonly riskWindow?: RiskWindowRunner;
  /** Re-authenticates risk overrides (default: KESTREL_RISK_PASSPHRASE, else overrides are refused). */
  readonly authenticator?: RiskAuthenticator;
}

export class TradingService {
  private readonly o: TradingServiceOptions;
  private readonly desks = new Map<string, AccountDesk>();
  private selectedId: string;
  private closed = false;
  private recovered = false;

  /**
   * Sessions a killed process left `running` are closed through their audit streams, once, before the first
   * desk exists: later, a running session belongs to a live desk of this host.
   */
  private recoverCrashed(): void {
    if (this.recovered) return;
    this.recovered = true;
    closeDeadSessions(this.o.ledger, (this.o.now ?? Date.now)(), this.o.log);
  }

  private readonly settingsOf: NonNullable<TradingServiceOptions['settings']>;

  constructor(o: TradingServiceOptions) {
    this.o = o;
    const defaults = o.settings ? undefined : SettingsSchema.parse({ version: 1 });
    this.settingsOf = o.settings ?? (() => defaults!);
    const s = this.settingsOf();
    this.selectedId = s.selectedAccount ?? s.accounts[0]!.id;
  }

  /** The account the workstation acts on. */
  get selected(): string {
    return this.selectedId;
  }

  /** The desk of `account` (default: the selected one), created on first use; its session is started by `start`. */
  desk(account: string = this.selectedId): AccountDesk {
    let d = this.desks.get(account);
    if (d) return d;
    if (this.closed) throw new ValidationError('the trading service is closed');
    this.recoverCrashed();
    const s = this.settingsOf();
    const a = s.accounts.find((x) => x.id === account);
    if (!a) throw new NotFoundError('account', account);
    const venue = s.venues.find((v) => v.id === a.venue);
    const prices = a.environment === 'paper' && venue && this.o.venuePrices ? this.o.venuePrices(venue) : undefined;
    refuseUnsupported(a, venue?.builtin === true, this.o.live !== undefined, prices !== undefined);
    // A desk on venue prices reads the venue's stored bars (risk window); a demo-feed desk continues the demo
    // dataset, and one such desk writes its closed candles, as two feeds writing one dataset would contradict each other.
    const source = prices ? a.venue : DEMO_EXCHANGE;
    // On venue prices the market streams store the venue's bars; no desk writes them.
    const writer = !prices && ![...this.desks.values()].some((x) => x.writesCandles);
    d = new AccountDesk({
      account: a, limits: s.riskProfiles[a.riskProfile]!.limits, riskProfile: accountProfile(s.riskProfiles[a.riskProfile]!), ledger: this.o.ledger, candleSource: source,
      ...(this.o.candles ? { candles: this.o.candles } : {}), storesCandles: writer,
      ...(this.o.riskWindow ? { riskWindow: this.o.riskWindow } : {}),
      ...(this.o.authenticator ? { authenticator: this.o.authenticator } : {}),
      emit: (ch, p) => {
        this.o.observe?.(account, ch, p);
        if (this.selectedId === account) this.o.emit(ch, p);
      },
      log: this.o.log,
      ...(this.o.feed ? { feed: this.o.feed } : {}), ...(this.o.now ? { now: this.o.now } : {}),
      ...(this.o.portfolioThrottleMs !== undefined ? { portfolioThrottleMs: this.o.portfolioThrottleMs } : {}),
      ...(prices ? { venuePrices: prices } : {}),
      ...(a.environment !== 'paper' && venue && this.o.live ? { live: { venue, deps: this.o.live, ...(this.o.live.checkMs !== undefined ? { checkMs: this.o.live.checkMs } : {}), ...(this.o.live.pollMs !== undefined ? { pollMs: this.o.live.pollMs } : {}) } } : {}),
    });
    this.desks.set(account, d);
    return d;
  }

  /**
   * What the selected account's gate enforces, as one profile (the default limits of a backtest): its running
   * session's, else what its settings give a new book. Never starts a session or writes a book.
   */
  effectiveRiskProfile(): RiskProfile {
    const d = this.desks.get(this.selectedId);
    if (d?.hasSession) return d.effectiveRiskProfile();
    return newBookProfile(this.settingsOf(), this.selectedId);
  }

  /** The desk of `account` with its session running (started now when it is not). */
  async running(account?: string): Promise<AccountDesk> {
    const d = this.desk(account);
    await d.whenReady();
    if (!d.hasSession) d.start();
    return d;
  }

  /** Selects the account the workstation acts on: starts its session when needed, remembers the choice. */
  async select(account: string, origin: string): Promise<AccountList> {
    const d = await this.running(account);
    if (this.selectedId !== account) {
      this.selectedId = account;
      this.o.saveSelection?.(account);
      this.o.log.info({ account, by: origin }, 'account selected');
    }
    this.o.emit('trading.session', d.sessionView());
    return this.list();
  }

  // ───────────── accounts (settings.json; the Settings panel and `kestrel config`) ─────────────

  createAccount(input: Omit<AccountSettings, 'id'> & { id?: string | undefined }, origin: string): AccountList {
    const accounts = this.settingsOf().accounts;
    const id = input.id ?? uniqueId(input.name, accounts.map((a) => a.id));
    if (accounts.some((a) => a.id === id)) throw new ValidationError(`An account "${id}" exists already`, [{ path: 'account.id', message: 'taken' }]);
    this.saveAccounts([...accounts, { ...input, id }]);
    this.o.log.info({ account: id, venue: input.venue, environment: input.environment, by: origin }, 'account created');
    return this.list();
  }

  renameAccount(id: string, name: string, origin: string): AccountList {
    const accounts = this.settingsOf().accounts;
    if (!accounts.some((a) => a.id === id)) throw new NotFoundError('account', id);
    this.saveAccounts(accounts.map((a) => (a.id === id ? { ...a, name } : a)));
    // A running desk keeps the name it started with in its views until it restarts; the list shows the new one.
    this.o.log.info({ account: id, name, by: origin }, 'account renamed');
    return this.list();
  }

  /** What becomes of a protective order lost at the venue or refused by it, for one account: saved, and applied to its running session. */
  setProtectiveLost(id: string, policy: ProtectiveLostPolicy, origin: string): AccountList {
    const accounts = this.settingsOf().accounts;
    if (!accounts.some((a) => a.id === id)) throw new NotFoundError('account', id);
    this.saveAccounts(accounts.map((a) => (a.id === id ? { ...a, protectiveLost: policy } : a)));
    this.desks.get(id)?.setProtectiveLost(policy, origin);
    this.o.log.info({ account: id, protectiveLost: policy, by: origin }, 'protective-order policy set');
    return this.list();
  }

  /** Removes an account from the settings; its ledger history stays (archived, not erased). */
  removeAccount(id: string, origin: string): AccountList {
    const accounts = this.settingsOf().accounts;
    if (!accounts.some((a) => a.id === id)) throw new NotFoundError('account', id);
    if (id === this.selectedId) throw new ValidationError('The selected account cannot be removed: select another one first', [{ path: 'account', message: 'selected' }]);
    this.saveAccounts(accounts.filter((a) => a.id !== id));
    const d = this.desks.get(id);
    if (d) {
      d.close();
      this.desks.delete(id);
    }
    this.o.log.info({ account: id, by: origin }, 'account removed (its ledger history is kept)');
    return this.list();
  }

  private saveAccounts(accounts: AccountSettings[]): void {
    if (!this.o.saveAccounts) throw new ValidationError('this host keeps no settings file: accounts cannot be changed');
    this.o.saveAccounts(accounts);
  }

  list(): AccountList {
    const s = this.settingsOf();
    return {
      selected: this.selectedId,
      accounts: s.accounts.map((a) => {
        const d = this.desks.get(a.id);
        const venue = s.venues.find((v) => v.id === a.venue);
        return { ...a, venueName: venue?.name ?? a.venue, running: d?.hasSession ?? false, book: d?.hasSession ? d.sessionView().accountId : null, supported: supported(a, venue?.builtin === true, this.o.live !== undefined, this.o.venuePrices !== undefined && venue !== undefined) === null };
      }),
    };
  }

  // ───────────── the selected account (what the host starts with, and what strategies attach to) ─────────────

  get session(): TradingSession {
    return this.desk().session;
  }

  get feed(): AccountDesk['feed'] {
    return this.desk().feed;
  }

  whenReady(): Promise<void> {
    return this.desk().whenReady();
  }

  startAfter(before: Promise<unknown>): void {
    this.desk().startAfter(before);
  }

  start(): SessionView {
    return this.desk().start();
  }

  sessionView(): SessionView {
    return this.desk().sessionView();
  }

  stop(reason?: string): void {
    this.desk().stop(reason);
  }

  close(): void {
    this.closed = true;
    for (const d of this.desks.values()) d.close();
  }
}

/** An account id from its name: lower-case letters, digits and -, unique among `taken`. */
function uniqueId(name: string, taken: readonly string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32) || 'account';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

function supported(a: AccountSettings, builtinVenue: boolean, venues: boolean, venuePrices: boolean): string | null {
  if (a.environment !== 'paper') {
    if (!venues) return `${a.environment} accounts trade through venue connections, which this host was built without`;
    if (a.environment === 'sim' && !builtinVenue) return 'sim accounts trade on Kestrel Sim';
    if (a.environment !== 'sim' && builtinVenue) return `Kestrel Sim has no ${a.environment} environment; use a sim account`;
    return null;
  }
  // Perpetual paper accounts trade the venue's USDⓈ-M markets on its prices (the demo feed has no perpetuals).
  if (venuePrices) return null;
  if (a.marketType !== 'spot') return 'perpetual paper accounts trade on their venue\'s prices, which need the host\'s market streams';
  if (!builtinVenue) return 'paper trading on a venue\'s live prices needs the host\'s market streams';
  if (a.currency !== PAPER_CURRENCY) return `paper accounts on the demo feed are kept in ${PAPER_CURRENCY}`;
  return null;
}

function refuseUnsupported(a: AccountSettings, builtinVenue: boolean, venues: boolean, venuePrices: boolean): void {
  const why = supported(a, builtinVenue, venues, venuePrices);
  if (why) throw new ValidationError(`Account "${a.name}" cannot trade here: ${why}.`, [{ path: 'account', message: why }]);
}
