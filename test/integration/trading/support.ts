import { money, moneyToString } from '../../../main/core/model/index.ts';
import type { KestrelClient } from '../../../main/contract/index.ts';
import { RemoteError } from '../../../main/contract/index.ts';

/**
 * A fast demo market for tests: a print every 10 ms and a ±20 bps swing every second, so a limit a few
 * basis points from the market is crossed within about a second.
 */
export function fastFeedEnv(): void {
  process.env.KESTREL_FEED_TICK_MS = '10';
  process.env.KESTREL_FEED_CYCLE_MS = '1000';
  process.env.KESTREL_FEED_SWING_BPS = '20';
}

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function lastPrice(c: KestrelClient, symbol: string): Promise<string> {
  return until(`a price for ${symbol}`, async () => (await c.call('trading.prices', {})).prices.find((p) => p.symbol === symbol)?.price);
}

/** `price × (1 + bps/10000)` rounded down to the tick (`decimals` places), as decimal text. */
export function offset(price: string, bps: number, decimals: number): string {
  const scaled = (money(price) * BigInt(10_000 + bps)) / 10_000n;
  const unit = 10n ** BigInt(18 - decimals);
  return moneyToString((scaled / unit) * unit);
}

export async function failure(p: Promise<unknown>): Promise<RemoteError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof RemoteError)) throw new Error(`expected a RemoteError, got ${String(e)}`);
  return e;
}

export const sum = (xs: readonly string[]): bigint => xs.reduce((s, x) => s + money(x), 0n);

/** Waits for the account's reconciliation to finish cleanly (a check the loaded machine timed out on, `lastError`, is asked again). */
export function reconciled(c: KestrelClient, account: string, timeoutMs = 60_000) {
  return until('a reconciliation to finish', async () => {
    const st = await c.call('live.reconcile', { account });
    return st.gate !== 'checking' && st.gate !== 'pending' && st.lastError === null ? st : undefined;
  }, timeoutMs);
}

/** Reconciles the account and acknowledges every difference found (on a first run: the balances Kestrel Sim funds it with). */
export async function acknowledgeAll(c: KestrelClient, account: string) {
  let st = await reconciled(c, account);
  for (const d of st.discrepancies) st = await c.call('live.resolve', { account, id: d.id, action: 'acknowledge' });
  return st;
}
