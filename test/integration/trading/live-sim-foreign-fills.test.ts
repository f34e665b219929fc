/**
 * Fills that happened at the venue outside Kestrel (here: while it was closed, from "another device" —
 * Kestrel Sim's `/sim-admin/orders`) are listed on the reconciliation screen and can be adopted into the
 * account's ledger: the position and cash follow the venue's fill (fee included), the audit records it, and
 * after a restart the fill is still booked and known, so reconciliation reports everything consistent.
 * Live trading stays disabled until every difference is settled.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type KestrelClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { KESTREL_SIM_SYMBOLS } from '../../../main/host/venues/kestrel-sim.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';
import { acknowledgeAll, failure, reconciled } from './support.ts';

const account = 'sim3';
const name = 'Sim Three';
type PlantReply = { orderId: number; status: string; executedQty: string; cummulativeQuoteQty: string };

describe('adopting fills made at the venue outside Kestrel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-foreign-'));
  let sim: MockExchange;
  let host: Host;
  let c: KestrelClient;
  const open = async () => {
    host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: sim.baseUrl } });
    c = createClient(connectInMemory(host.server));
    await c.call('accounts.select', { account });
  };
  const close = async () => {
    c.close();
    await host.close();
  };
  const settled = () => reconciled(c, account);
  const plant = async (side: 'BUY' | 'SELL', quantity: string) => {
    const r = await fetch(`${sim.baseUrl}/sim-admin/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ account: `kestrel-${account}`, market: 'spot', symbol: 'BTCUSDT', side, type: 'MARKET', quantity }) });
    expect(r.status).toBe(200);
    const o = (await r.json()) as PlantReply;
    expect(o.status).toBe('FILLED');
    return o;
  };

  let bought: PlantReply;

  beforeAll(async () => {
    sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 20, seed: 21 });
    SettingsStore.open(dir).set('accounts', [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: account, name, venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ]);
    // A first run settles the balances the sim funds the account with, then Kestrel closes.
    await open();
    expect(await acknowledgeAll(c, account)).toMatchObject({ gate: 'clear', discrepancies: [] });
    await close();
    // While it is closed, two fills happen at the venue from elsewhere.
    bought = await plant('BUY', '0.003');
    await plant('SELL', '0.001');
    await open();
  }, 120_000);
  afterAll(async () => {
    await close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists each foreign fill (adopt or acknowledge) and keeps live trading disabled', async () => {
    const st = await settled();
    const fills = st.discrepancies.filter((d) => d.kind === 'foreign-trade');
    expect(fills).toHaveLength(2);
    for (const f of fills) expect(f.actions).toEqual(['adopt', 'acknowledge']);
    expect(st.discrepancies.map((d) => d.kind).sort()).toEqual(['foreign-trade', 'foreign-trade', 'position-mismatch']);
    expect(st.gate).toBe('blocked');
    expect((await failure(c.call('live.arm', { account, confirm: name }))).code).toBe('conflict');
  });

  it('adopting them books position and cash as the venue filled them; the position then matches', async () => {
    const before = await c.call('trading.account', { account });
    let st = await c.call('live.status', { account });
    for (const d of st.discrepancies.filter((x) => x.kind === 'foreign-trade')) st = await c.call('live.resolve', { account, id: d.id, action: 'adopt' });
    expect(st.discrepancies).toEqual([]); // the position difference was these two fills
    expect(st.gate).toBe('clear');
    const pos = (await c.call('trading.positions', {})).positions.find((p) => p.symbol === 'BTC/USDT');
    expect(Number(pos?.qty)).toBeCloseTo(0.002, 9);
    const booked = (await c.call('trading.fills', {})).fills.filter((f) => f.clientOrderId.startsWith('foreign-'));
    expect(booked.map((f) => `${f.side} ${f.qty}`).sort()).toEqual(['buy 0.003', 'sell 0.001']);
    expect(booked.find((f) => f.side === 'buy')!.clientOrderId).toBe(`foreign-${bought.orderId}`);
    // Cash follows: what the buy cost and the sale returned, fees (charged in the quote) included.
    const flow = booked.reduce((s, f) => s + (f.side === 'buy' ? -1 : 1) * Number(f.notional) - (f.feeCurrency === 'USDT' ? Number(f.fee) : 0), 0);
    const after = await c.call('trading.account', { account });
    expect(Number(after.cash) - Number(before.cash)).toBeCloseTo(flow, 6);
    expect(Number(booked.find((f) => f.side === 'buy')!.notional)).toBeCloseTo(Number(bought.cummulativeQuoteQty), 6);
    const audit = host.services.ledger.audit.read({ kind: 'override', limit: 100 }).map((e) => (JSON.parse(e.body) as { data: { payload: { action: string } } }).data.payload.action);
    expect(audit.filter((a) => a === 'reconcile-adopt')).toHaveLength(2);
    expect((await c.call('audit.verify', {})).chain.ok).toBe(true);
    // Adopting the same fill twice is refused: it is no longer a difference.
    expect((await failure(c.call('live.resolve', { account, id: `trade:${booked[0]!.tradeId}`, action: 'adopt' }))).code).toBe('not_found');
  });

  it('after a restart the adopted fills are still booked and known: everything is consistent', async () => {
    await close();
    await open();
    const st = await settled();
    expect(st).toMatchObject({ gate: 'clear', discrepancies: [] });
    const pos = (await c.call('trading.positions', {})).positions.find((p) => p.symbol === 'BTC/USDT');
    expect(Number(pos?.qty)).toBeCloseTo(0.002, 9);
  });
});
