/**
 * Accounts: the workstation acts on one selected account at a time; every trading command may also name
 * the account it is meant for (`account`), so an order from a ticket opened before a switch can never land
 * on another account. Accounts themselves are defined in the settings document (settings.ts).
 */
import { z } from 'zod';
import { command, empty, req, type CommandDef } from './define.ts';
import { AccountSettings, SettingsId } from './settings.ts';

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

export const accountCommands = {
  'accounts.list': command('Every account of the settings, which one is selected, which run.', empty, AccountList),
  'accounts.select': command('Selects the account the workstation acts on (its session starts when needed); remembered in the settings.', req({ account: SettingsId }), AccountList),
};

/** The `account` field every trading command accepts (absent: the selected account). */
export const AccountField = { account: SettingsId.optional() };

type WithAccount<D> = D extends CommandDef<z.ZodObject<infer S, infer U, infer C>, infer Res> ? CommandDef<z.ZodObject<S & typeof AccountField, U, C>, Res> : never;

/** The same commands, each request extended with an optional `account` (requests stay strict). */
export function withAccount<T extends Record<string, CommandDef<z.AnyZodObject, z.ZodTypeAny>>>(defs: T): { [K in keyof T]: WithAccount<T[K]> } {
  return Object.fromEntries(Object.entries(defs).map(([k, d]) => [k, { ...d, request: d.request.extend(AccountField) }])) as { [K in keyof T]: WithAccount<T[K]> };
}
