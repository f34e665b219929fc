/**
 * Chaos: live orders against Kestrel Sim with its private faults on (timeouts after the order was
 * accepted, lost acks, orders the venue denies knowing for a while after create, duplicated and reordered
 * fills, dropped user streams, 429s, refused balances) while the host is killed with SIGKILL at random
 * moments and restarted. Afterwards: no order lost (every order at the venue is in the ledger, every order
 * the ledger holds as working is working at the venue), none doubled (one venue order per client id), no
 * fill applied twice (the ledger's fills are the venue's trades, one each), the ledger's position equals the
 * venue's, and the audit chain verifies.
 *
 * Bounded in CI (200 orders, 5 kills); KESTREL_FULL=1 runs 2,000 orders and 50 kills.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost } from '../../../main/host/host.ts';
import { SettingsStore } from '../../../main/host/settings/store.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { KESTREL_SIM_SYMBOLS } from '../../../main/host/venues/kestrel-sim.ts';
import { money } from '../../../main/core/model/index.ts';
import { generatedSymbols, startMockExchange, type MockExchange } from '../../../main/venues/mock-exchange/index.ts';

const FULL = process.env.KESTREL_FULL === '1';
const ORDERS = FULL ? 2_000 : 200;
const KILLS = FULL ? 50 : 5;
const FAULTS = { timeoutAfterAccept: 0.03, holdMs: 6_000, lostAck: 0.03, notFoundAfterCreate: 0.05, notFoundMs: 1_500, duplicateFill: 0.15, reorderFill: 0.1, streamDrop: 0.01, rateLimit: 0.02, insufficientBalance: 0.02 };

describe(`live chaos: ${ORDERS} orders, ${KILLS} kills, every fault on`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-chaos-'));
  let sim: MockExchange;
  beforeAll(async () => {
    sim = await startMockExchange({ symbols: generatedSymbols({ symbols: KESTREL_SIM_SYMBOLS, days: 2 }), streamIntervalMs: 20, seed: 13 });
    SettingsStore.open(dir).set('accounts', [
      { id: 'demo', name: 'Demo', venue: 'kestrel-sim', environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
      { id: 'chaos', name: 'Chaos', venue: 'kestrel-sim', environment: 'sim', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null },
    ]);
    SettingsStore.open(dir).set('selectedAccount', 'chaos');
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One life of the host: runs until `done`, or is killed `killAfterMs` after it armed. */
  const life = (seed: number, first: boolean, killAfterMs: number | null) =>
    new Promise<'killed' | 'done'>((resolve, reject) => {
      const child = spawn(process.execPath, [join(import.meta.dirname, 'live-chaos-child.ts'), dir, sim.baseUrl, String(ORDERS), String(seed), first ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      let outcome: 'killed' | 'done' | undefined;
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/^armed$/m.test(out) && killAfterMs !== null && !outcome) {
          outcome = 'killed';
          setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        }
        if (/^done$/m.test(out) && outcome !== 'killed') {
          outcome = 'done';
          child.kill('SIGKILL');
        }
      });
      child.once('exit', (code, signal) => (signal === 'SIGKILL' && outcome ? resolve(outcome) : reject(new Error(`chaos host exited with ${code}/${signal}: ${out.slice(-2000)}`))));
    });

  it('loses no order, doubles none, applies no fill twice; positions and the audit chain hold', { timeout: FULL ? 3_600_000 : 600_000 }, async () => {
    sim.private.setFaults(FAULTS);
    let kills = 0;
    for (let i = 0; ; i++) {
      const killAt = kills < KILLS ? 300 + Math.floor(((i * 7_919) % 100) * 25) : null;
      const r = await life(i + 1, i === 0, killAt);
      if (r === 'killed') kills++;
      if (r === 'done' && kills >= KILLS) break;
    }
    sim.private.setFaults({});
    // The faults did happen (the counts are the sim's own).
    const hit = sim.private.faults.injected;
    expect(hit['timeout-after-accept'] + hit['lost-ack']).toBeGreaterThan(0);
    expect(hit['duplicate-fill']).toBeGreaterThan(0);
    expect(hit['not-found-after-create']).toBeGreaterThan(0);

    // The last word: a clean host on the same data dir, reconciled.
    const host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_SIM_URL: sim.baseUrl, KESTREL_LIVE_RECV_WINDOW_MS: '2000' } });
    const c = createClient(connectInMemory(host.server));
    try {
      await c.call('accounts.select', { account: 'chaos' });
      let st = await c.call('live.reconcile', { account: 'chaos' });
      for (let k = 0; k < 120 && st.gate !== 'clear'; k++) {
        await new Promise((r) => setTimeout(r, 500));
        st = await c.call('live.reconcile', { account: 'chaos' });
      }
      expect(st.discrepancies).toEqual([]);
      expect(st.gate).toBe('clear');

      const db = host.services.ledger.db;
      const books = (db.prepare("SELECT id FROM accounts WHERE owner = 'chaos'").all() as { id: string }[]).map((b) => b.id);
      const rows = db.prepare(`SELECT client_order_id AS id, state, filled_qty AS filled, data FROM orders WHERE account_id IN (${books.map(() => '?').join(',')})`).all(...books) as { id: string; state: string; filled: number }[];
      const ledger = new Map(rows.map((r) => [r.id, r]));
      expect(ledger.size).toBe(rows.length); // one row per client id, across every life
      expect(rows.length).toBeGreaterThanOrEqual(ORDERS);

      const acct = sim.private.engine.accounts.get('kestrel-chaos')!;
      const venueOrders = [...acct.orders.values()];
      const perClientId = new Map<string, number>();
      for (const o of venueOrders) perClientId.set(o.clientOrderId, (perClientId.get(o.clientOrderId) ?? 0) + 1);
      expect([...perClientId.entries()].filter(([, n]) => n > 1)).toEqual([]); // none doubled
      expect(venueOrders.filter((o) => !ledger.has(o.clientOrderId)).map((o) => o.clientOrderId)).toEqual([]); // none lost
      const open = new Set(venueOrders.filter((o) => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED').map((o) => o.clientOrderId));
      const working = rows.filter((r) => !['filled', 'canceled', 'rejected', 'expired'].includes(r.state));
      expect(working.filter((r) => !open.has(r.id)).map((r) => `${r.id}:${r.state}`)).toEqual([]);
      for (const id of open) expect(working.some((r) => r.id === id)).toBe(true);
      // An order the ledger closed as never placed is not at the venue.
      expect(rows.filter((r) => r.state === 'rejected' && perClientId.has(r.id)).map((r) => r.id)).toEqual([]);

      const fills = db.prepare(`SELECT trade_id AS id, qty, side FROM fills WHERE account_id IN (${books.map(() => '?').join(',')})`).all(...books) as { id: string; qty: number; side: string }[];
      expect(new Set(fills.map((f) => f.id)).size).toBe(fills.length);
      const venueTrades = acct.trades.filter((t) => t.market === 'spot' && t.symbol === 'BTCUSDT');
      expect(fills.length).toBe(venueTrades.length); // every venue trade booked once
      const lot = 0.00001;
      const ledgerQty = fills.reduce((s, f) => s + (f.side === 'buy' ? f.qty : -f.qty), 0) * lot;
      const venueQty = venueTrades.reduce((s, t) => s + Number((t.side === 'BUY' ? t.qty : -t.qty) * 100_000n / money('1')) / 100_000, 0);
      expect(ledgerQty).toBeCloseTo(venueQty, 8);
      const pos = (await c.call('trading.positions', { account: 'chaos' })).positions.find((p) => p.symbol === 'BTC/USDT');
      expect(Number(pos?.qty ?? 0)).toBeCloseTo(venueQty, 8);

      expect((await c.call('audit.verify', {})).chain.ok).toBe(true);
    } finally {
      c.close();
      await host.close();
    }
  });
});
