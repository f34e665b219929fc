/**
 * How a desk (desk.ts) opens and ends a sim / testnet / live account's session: the venue connection with the
 * book's first balance and (perpetuals) the venue's own brackets, margin per symbol and mark; at the stop, the
 * session-stop event naming the working orders it leaves at the venue for the next run to take over.
 */
import { auditSessionStop } from '../../core/audit/session.ts';
import { decimalString as decimalText } from '../../venues/ccxt/index.ts';
import type { PaperAccountData, PaperAccounts } from './accounts.ts';
import type { DeskOptions } from './desk-options.ts';
import { connectLive, type LiveConnection } from './live-connect.ts';
import { loadLivePerp, type LivePerp } from './live-perp.ts';
import type { LiveRun } from './live-session.ts';

/** An opened venue connection, with the account's instruments replaced by the venue's own when perpetual. */
export interface LiveOpened {
  readonly conn: LiveConnection;
  readonly perp: LivePerp | undefined;
}

/**
 * Opens the venue connection of a live account (keys, markets). Undefined when the desk was closed meanwhile
 * (the connection is closed again).
 */
export async function openLive(o: DeskOptions, accounts: PaperAccounts, now: () => number, dry: boolean, closed: () => boolean): Promise<LiveOpened | undefined> {
  const l = o.live!;
  const c = await connectLive(o.account, l.venue, l.deps, dry);
  if (closed()) return void c.close();
  await initLiveBook(o, accounts, now, c);
  // A perpetual account trades on the venue's own brackets, margin per symbol and mark (live-perp.ts).
  const perp = await loadLivePerp(o.account, c);
  return { conn: perp ? { ...c, instruments: perp.instruments } : c, perp };
}

/**
 * A live book's first start: its starting balance is the venue's balance of the account currency then
 * (later starts continue from the book's fills; reconciliation compares with the venue every time).
 */
async function initLiveBook(o: DeskOptions, accounts: PaperAccounts, now: () => number, c: LiveConnection): Promise<void> {
  const data = accounts.current().data as PaperAccountData & { venueBalanceAt?: number };
  if (data.venueBalanceAt !== undefined || o.ledger.ledger.fills(accounts.current().record.id).length > 0) return;
  const bal = (await c.api.fetchBalances()).find((b) => b.currency === o.account.currency);
  accounts.update({ startingBalance: decimalText(bal?.total ?? 0), venueBalanceAt: now() } as Partial<PaperAccountData>);
}

/** Records the end of a stopped live session: audited with the orders it leaves working, its catalog record closed. */
export function recordLiveStop(o: DeskOptions, now: () => number, r: LiveRun, reason: string): void {
  const s = r.session;
  try {
    auditSessionStop(s.parts.audit, now(), { reason, summary: { openOrders: s.engine.openOrders().length, equity: s.account().equity, left: s.engine.openOrders().map((o) => o.clientOrderId) } });
    const rec = o.ledger.catalog.session(s.parts.sessionId);
    if (rec) o.ledger.catalog.putSession({ ...rec, status: 'stopped', endedAt: now() });
  } catch (e) {
    o.log.warn({ err: e }, 'could not record the end of the live session');
  }
}
