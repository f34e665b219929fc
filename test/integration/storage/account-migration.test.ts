/**
 * The ledger migration to accounts (schema v4) on a database written by the release before it
 * (test/fixtures/ledger/release-v3-demo.db, made by release-v3-demo.gen.ts): every order, fill, position,
 * session and audit entry is still there, byte for byte, now under the Demo account; the chain and its
 * signed tree head still verify; and the app opens straight into that account, continuing its open book.
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../main/contract/index.ts';
import { createHost, type Host } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'ledger', 'release-v3-demo.db');
type Row = Record<string, unknown>;
const TABLES = ['orders', 'fills', 'positions', 'audit_log', 'audit_tree_heads'] as const;

function snapshot(file: string): Record<string, Row[]> {
  const db = openSqlite(file, { readonly: true });
  try {
    return Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[]]));
  } finally {
    db.close();
  }
}

describe('ledger migration to accounts, on a database of the previous release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kestrel-migrate-accounts-'));
  const before = snapshot(FIXTURE);
  let host: Host;

  beforeAll(async () => {
    copyFileSync(FIXTURE, join(dir, 'ledger.db'));
    host = await createHost({ mode: 'memory', dataDir: dir, env: { KESTREL_FEED_TICK_MS: '60000' } });
  });
  afterAll(() => host.close());

  it('the fixture is what the previous release wrote: schema v3, orders, fills and a verified chain', () => {
    expect(before.orders!.length).toBeGreaterThanOrEqual(4);
    expect(before.fills!.length).toBeGreaterThanOrEqual(4);
    expect(before.audit_log!.length).toBeGreaterThan(20);
  });

  it('keeps every order, fill, position and audit entry unchanged and puts every book and paper session under Demo', () => {
    const { db } = host.services.ledger;
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4); // v4 and any later migration (v5: funding rows)
    for (const t of TABLES) {
      const rows = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as Row[];
      expect(rows.slice(0, before[t]!.length), t).toEqual(before[t]);
    }
    const books = db.prepare('SELECT id, owner FROM accounts ORDER BY id').all();
    expect(books).toEqual([{ id: 'paper-1', owner: 'demo' }, { id: 'paper-2', owner: 'demo' }]);
    const sessions = db.prepare("SELECT owner FROM sessions WHERE kind = 'paper'").all() as { owner: string }[];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sessions.map((s) => s.owner))).toEqual(new Set(['demo']));
    // Every order and fill belongs to a book of the Demo account.
    const orphan = db.prepare("SELECT count(*) AS n FROM orders o WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = o.account_id AND a.owner = 'demo')").get() as { n: number };
    const orphanFills = db.prepare("SELECT count(*) AS n FROM fills f WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = f.account_id AND a.owner = 'demo')").get() as { n: number };
    expect([orphan.n, orphanFills.n]).toEqual([0, 0]);
  });

  it('the audit chain and the release\'s signed tree head still verify', () => {
    const v = host.services.audit.verify();
    expect(v.chain.ok).toBe(true);
    expect(v.chain.count).toBeGreaterThanOrEqual(before.audit_log!.length);
    expect(v.heads).toMatchObject({ ok: true, checked: before.audit_tree_heads!.length });
  });

  it('opens into the Demo account, continuing its open book with its position; new entries name the account', async () => {
    const c = createClient(connectInMemory(host.server));
    try {
      const s = await c.call('trading.session', {});
      expect(s).toMatchObject({ account: 'demo', accountName: 'Demo', accountId: 'paper-2' });
      const oldFills = before.fills!.filter((f) => f.account_id === 'paper-2').length;
      expect((await c.call('trading.fills', {})).fills.length).toBe(oldFills);
      expect((await c.call('trading.positions', {})).positions.map((p) => p.symbol)).toContain('SOL/USDT');
      await c.call('trading.submit', { account: 'demo', symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: '0.001' });
      const last = host.services.ledger.audit.read({ kind: 'order', limit: 100_000 }).at(-1)!;
      expect(JSON.parse(last.body).data.account).toBe('demo');
      expect(host.services.audit.verify().chain.ok).toBe(true);
    } finally {
      c.close();
    }
  });
});
