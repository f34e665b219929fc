/**
 * Live trading (sim, testnet and live accounts): the reconciliation gate and screen, arming, and the status
 * the LIVE / TESTNET / SIM badge shows. Every command acts on the named account or the selected one.
 */
import { z } from 'zod';
import { command, event, req } from './define.ts';
import { SettingsId } from './settings.ts';

export const ReconcileAction = z.enum(['adopt', 'cancel', 'acknowledge', 'replace']);
export type ReconcileAction = z.infer<typeof ReconcileAction>;

export const Discrepancy = z.object({
  id: z.string(),
  kind: z.enum(['foreign-order', 'missing-order', 'protective-missing', 'foreign-trade', 'position-mismatch', 'unknown-order', 'overfill']),
  symbol: z.string(),
  summary: z.string(),
  ledger: z.string().nullable(),
  venue: z.string().nullable(),
  actions: z.array(ReconcileAction),
  ref: z.object({ clientOrderId: z.string().optional(), venueOrderId: z.string().optional(), wireId: z.string().optional(), tradeId: z.string().optional(), delta: z.number().optional() }),
});
export type Discrepancy = z.infer<typeof Discrepancy>;

export const UnknownOrder = z.object({
  clientOrderId: z.string(), symbol: z.string(), op: z.enum(['submit', 'cancel', 'amend']), since: z.number(), checks: z.number(), lastError: z.string(),
});

export const LiveStatus = z.object({
  account: SettingsId,
  accountName: z.string(),
  environment: z.enum(['sim', 'testnet', 'live']),
  venue: z.string(),
  marketType: z.enum(['spot', 'perpetual']),
  armed: z.boolean(),
  armedBy: z.string().nullable(),
  /** Orders are built and signed, not sent. */
  dryRun: z.boolean(),
  /** pending: not checked yet this run; checking; blocked: differences open (or the venue unreachable); clear. */
  gate: z.enum(['pending', 'checking', 'blocked', 'clear']),
  lastCheck: z.number().nullable(),
  lastError: z.string().nullable(),
  /** Private data: streaming, or polling over REST (no stream, or it is down). */
  sync: z.enum(['idle', 'streaming', 'polling']),
  resyncs: z.number(),
  discrepancies: z.array(Discrepancy),
  /** Orders whose outcome is being resolved by client order id (never resubmitted). */
  unknownOrders: z.array(UnknownOrder),
  /** Order types the venue holds natively; protective types not listed are emulated locally. */
  native: z.array(z.string()),
});
export type LiveStatus = z.infer<typeof LiveStatus>;

const Account = { account: SettingsId.optional() };

export const liveCommands = {
  'live.status': command('The live account\'s gate, arming, differences with the venue and unresolved orders.', req(Account), LiveStatus),
  'live.reconcile': command('Resyncs with the venue over REST and compares it with the ledger now.', req(Account), LiveStatus),
  'live.resolve': command('Settles one difference: adopt (make a foreign order the account\'s, or book a fill made outside Kestrel into the ledger: position and cash follow), cancel it at the venue, acknowledge, or re-place a missing protective order.', req({ ...Account, id: z.string().min(1).max(200), action: ReconcileAction }), LiveStatus),
  'live.arm': command('Arms the account for sending orders; `confirm` must be the account\'s name, typed. `dryRun` switches between sending and building+signing only.', req({ ...Account, confirm: z.string().max(200), dryRun: z.boolean().optional() }), LiveStatus),
  'live.disarm': command('Disarms the account: orders are refused until it is armed again.', req(Account), LiveStatus),
};

export const liveEvents = {
  'live.status': event('A live account\'s gate, arming or differences changed.', LiveStatus),
};
