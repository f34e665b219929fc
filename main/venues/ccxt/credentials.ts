/**
 * The read-only check of an exchange key, made once when the key is entered: the balance is fetched (a
 * key that cannot read is refused), and where the venue tells (Binance's apiRestrictions) whether the key
 * can withdraw and whether it is bound to IP addresses. Nothing here places or changes anything.
 */
import type { CcxtVenue } from './client.ts';

export interface KeyCheck {
  /** Currencies with a non-zero balance (a count: balances are not kept). */
  readonly currencies: number;
  /** null: the venue does not say. */
  readonly withdrawals: boolean | null;
  readonly ipRestricted: boolean | null;
}

const BINANCE_FAMILY = new Set(['binance', 'binanceus', 'binanceusdm', 'binancecoinm']);

export async function checkKey(venue: CcxtVenue, opts: { sandbox?: boolean } = {}): Promise<KeyCheck> {
  const ex = venue.ex as unknown as {
    setSandboxMode(on: boolean): void;
    fetchBalance(): Promise<{ total?: Record<string, number | undefined> }>;
    sapiGetAccountApiRestrictions?(): Promise<{ enableWithdrawals?: boolean; ipRestrict?: boolean }>;
  };
  if (opts.sandbox) ex.setSandboxMode(true);
  const balance = await venue.call('fetchBalance', () => ex.fetchBalance());
  const currencies = Object.values(balance.total ?? {}).filter((v) => typeof v === 'number' && v !== 0).length;
  if (!BINANCE_FAMILY.has(venue.id) || !ex.sapiGetAccountApiRestrictions) return { currencies, withdrawals: null, ipRestricted: null };
  const r = await venue.call('apiRestrictions', () => ex.sapiGetAccountApiRestrictions!());
  return { currencies, withdrawals: r.enableWithdrawals === true, ipRestricted: r.ipRestrict === true };
}
