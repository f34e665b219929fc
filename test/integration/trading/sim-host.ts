/**
 * The set-up the live-sim tests share: Kestrel Sim on loopback, a settings file with the Demo paper account and
 * one sim account, a host on those settings with that account selected, reconciled clear and armed.
 */
import { expect } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { KESTREL_SIM_SYMBOLS } from '../../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { acknowledgeAll } from './support.ts';

export interface SimAccount {
  readonly account: string;
  /** Its display name: what arming it asks the trader to type. */
  readonly name: string;
  readonly marketType: 'spot' | 'perpetual';
  /** One generated candle per `streamIntervalMs` (2 days of history): how fast the sim's prices move. */
  readonly streamIntervalMs: number;
  readonly seed: number;
}

/** Starts Kestrel Sim and writes the Demo paper account and `a` as the accounts of the settings in `dir`. */
export async function startSimWithAccount(dir: string, a: SimAccount): Promise<MockExchange> {
  const sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: a.streamIntervalMs, seed: a.seed });
  SettingsStore.open(dir).set('accounts', [
    { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    { id: a.account, name: a.name, venue: 'kestrel-sim', environment: 'sim', marketType: a.marketType, currency: 'USDT', riskProfile: 'default', credentials: null },
  ]);
  return sim;
}

/** A host on the settings in `dir` against `sim`, with `account` selected (`env` adds to KESTREL_SIM_URL). */
export async function openSimHost(dir: string, sim: MockExchange, account: string, env: Record<string, string> = {}): Promise<{ host: Host; c: KestrelClient }> {
  const host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: sim.baseUrl, ...env } });
  const c = createClient(connectInMemory(host.server));
  await c.call('accounts.select', { account });
  return { host, c };
}

/** Reconciles the account clear (its first run's balances acknowledged) and arms it for live orders. */
export async function armClear(c: KestrelClient, a: Pick<SimAccount, 'account' | 'name'>): Promise<void> {
  expect((await acknowledgeAll(c, a.account)).gate).toBe('clear');
  await c.call('live.arm', { account: a.account, confirm: a.name });
}

/** All three: the sim, the host and the armed account. `beforeHost` runs once the sim is up, before the host starts. */
export async function armedSimHost(dir: string, a: SimAccount, beforeHost?: (sim: MockExchange) => Promise<void>): Promise<{ sim: MockExchange; host: Host; c: KestrelClient }> {
  const sim = await startSimWithAccount(dir, a);
  await beforeHost?.(sim);
  const { host, c } = await openSimHost(dir, sim, a.account);
  await armClear(c, a);
  return { sim, host, c };
}

/** Kestrel Sim's mark price of a USDⓈ-M perpetual now (its premiumIndex), as text. */
export async function simMark(sim: MockExchange, venueSymbol: string): Promise<string> {
  return ((await (await fetch(`${sim.baseUrl}/fapi/v1/premiumIndex?symbol=${venueSymbol}`)).json()) as { markPrice: string }).markPrice;
}
