/**
 * Accounts: the workstation acts on one selected account at a time; every trading command may also name
 * the account it is meant for (`account`), so an order from a ticket opened before a switch can never land
 * on another account. Accounts themselves are defined in the settings document (settings.ts).
 */
import { z } from 'zod';
import { ReplayAccountId } from './replay.ts';
import { command, empty, req, type CommandDef } from './define.ts';
import { AccountSettings, ProtectiveLost, SettingsId, VenueSettings } from './settings.ts';

export const AccountEntry = AccountSettings.extend({
  venueName: z.string(),
  /** Its session runs in this host now. */
  running: z.boolean(),
  /** The running session's book (ledger account id), null when not running. */
  book: z.string().nullable(),
  /** This release can trade it (paper accounts on a built-in venue); others are listed, not startable. */
  supported: z.boolean(),
});
export type AccountEntry = z.infer<typeof AccountEntry>;

export const AccountList = z.object({ selected: SettingsId, accounts: z.array(AccountEntry) });
export type AccountList = z.infer<typeof AccountList>;

/** What a venue offers, from ccxt's description of its exchange class. */
export const VenueCapabilities = z.object({
  spot: z.boolean(),
  perpetual: z.boolean(),
  ohlcv: z.boolean(),
  trades: z.boolean(),
  orderBook: z.boolean(),
  websockets: z.boolean(),
  sandbox: z.boolean(),
});
export type VenueCapabilities = z.infer<typeof VenueCapabilities>;

export const VenueEntry = VenueSettings.extend({
  /** Null when ccxt does not know the exchange id. */
  capabilities: VenueCapabilities.nullable(),
  /** A built-in venue's loopback server is running in this host. */
  started: z.boolean(),
});
export type VenueEntry = z.infer<typeof VenueEntry>;

export const accountCommands = {
  'venues.list': command('The venues of the settings with what each can do (spot, perpetuals, OHLCV, trades, order book, websockets, sandbox).', empty, z.object({ venues: z.array(VenueEntry) })),
  'accounts.list': command('Every account of the settings, which one is selected, which run.', empty, AccountList),
  'accounts.select': command('Selects the account the workstation acts on (its session starts when needed); remembered in the settings.', req({ account: SettingsId }), AccountList),
  'accounts.create': command(
    'Adds an account to the settings (id from its name unless given): venue, environment, market type, base currency, risk profile, credentials reference. The switcher lists it at once.',
    req({ account: AccountSettings.omit({ id: true }).extend({ id: SettingsId.optional() }) }),
    AccountList,
  ),
  'accounts.protection': command(
    'Sets what becomes of a stop-loss / take-profit lost at the venue or refused by it: replace (placed again, bounded) or flag (alert and list it only). Applies at once to a running session.',
    req({ account: SettingsId, protectiveLost: ProtectiveLost }),
    AccountList,
  ),
  'accounts.rename': command('Renames an account (its id, books and history stay).', req({ account: SettingsId, name: z.string().trim().min(1).max(80) }), AccountList),
  'accounts.remove': command(
    'Removes an account from the settings (confirm: true). Its books, orders, fills and audit stay in the ledger (an account created again with the same id continues them). The selected account and the last one cannot be removed.',
    req({ account: SettingsId, confirm: z.literal(true) }),
    AccountList,
  ),
};

/**
 * The `account` field every trading command accepts (absent: the selected account): a settings account, or a
 * running market replay's (`replay:<id>`, main/contract/replay.ts), which the trading commands act on instead.
 */
export const AccountField = { account: z.union([SettingsId, ReplayAccountId]).optional() };

type WithAccount<D> = D extends CommandDef<z.ZodObject<infer S, infer U, infer C>, infer Res> ? CommandDef<z.ZodObject<S & typeof AccountField, U, C>, Res> : never;

/** The same commands, each request extended with an optional `account` (requests stay strict). */
export function withAccount<T extends Record<string, CommandDef<z.AnyZodObject, z.ZodTypeAny>>>(defs: T): { [K in keyof T]: WithAccount<T[K]> } {
  return Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, { ...d, request: d.request.extend(AccountField) }])) as { [K in keyof T]: WithAccount<T[K]> };
}
