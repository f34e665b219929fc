import type { WireError } from '../../main/contract/index.ts';

type ErrorCode = WireError['code'];

/** What the trader was doing, by command family (the channel name is for machines; it stays in the log). */
const ACTIONS: readonly [RegExp, string][] = [
  [/^trading\.(submit|preview)$/, 'The order was not sent'],
  [/^trading\.amend$/, 'The order was not changed'],
  [/^trading\.cancel(All)?$/, 'The cancel did not go through'],
  [/^trading\./, 'Trading data could not be loaded'],
  [/^indicators\.series$/, 'The indicator could not be added'],
  [/^indicators\./, 'The indicator list could not be loaded'],
  [/^market\.candles$/, 'The chart could not load its bars'],
  [/^market\.import$/, 'The import did not complete'],
  [/^market\.backfill\./, 'The backfill did not run'],
  [/^market\./, 'Market data could not be loaded'],
  [/^(backtest|sweep)\./, 'The backtest did not run'],
  [/^strategy\./, 'The strategy could not be saved or loaded'],
  [/^paper\.strategy\./, 'The paper strategy did not start or stop'],
  [/^paper\./, 'The paper account settings were not saved'],
  [/^risk\./, 'The risk change did not apply'],
  [/^audit\./, 'The audit request failed'],
  [/^(settings|accounts|venues)\./, 'The settings were not saved'],
];

const CAUSES: Readonly<Record<ErrorCode, string>> = {
  validation: 'invalid input',
  risk_rejected: 'refused by the risk gate',
  illegal_transition: 'not possible in its current state',
  venue_network: 'the venue could not be reached',
  venue_rejected: 'the venue refused it',
  storage: 'a storage problem',
  data_quality: 'a data problem',
  not_found: 'not found',
  conflict: 'it conflicts with something that exists',
  cancelled: 'cancelled',
  timeout: 'it took too long',
  strategy: 'the strategy failed',
  unknown_channel: 'this version of the host does not know the request',
  unauthorized: 'not authorised: reconnect with the launch token',
  internal: 'an internal error (logged for a bug report)',
};

/** A notice title a person understands: "The indicator could not be added: invalid input". */
export function errorTitle(channel: string, code?: ErrorCode): string {
  const action = ACTIONS.find(([re]) => re.test(channel))?.[1] ?? 'The request failed';
  return code ? `${action}: ${CAUSES[code] ?? code}` : action;
}
