/**
 * Issue 15's check for audit anchoring: a history rewritten and re-signed with the same key (one entry
 * deleted, the chain rebuilt, ledger.db's own tree heads re-signed) is caught at the next start, through
 * the heads file kept outside ledger.db, and by `kestrel verify --since` against an export made before.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainNext, EMPTY_HEAD, type ChainHead } from '../../../main/core/audit/chain.ts';
import { createClient } from '../../../main/contract/index.ts';
import { HEADS_FILE } from '../../../main/host/audit/anchors.ts';
import { environmentVault } from '../../../main/host/audit/key-vault.ts';
import { KEY_FILE, LEGACY_KEY_FILE, generateSigningKey, loadOrCreateSigningKey, readPublicKey, signingKeyFrom } from '../../../main/host/audit/keys.ts';
import { AuditService } from '../../../main/host/audit/service.ts';
import { createHost } from '../../../main/host/host.ts';
import { connectInMemory } from '../../../main/host/transports/memory.ts';
import { databasePaths, openLedger } from '../../../main/storage/index.ts';
import { openSqlite } from '../../../main/storage/sqlite.ts';

process.env.KESTREL_PAPER = '0';
const dir = mkdtempSync(join(tmpdir(), 'kestrel-anchor-'));
const kestrel = join(import.meta.dirname, '..', '..', '..', 'main', 'cli', 'kestrel.ts');
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [kestrel, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const loadLegacySigner = (pem: string) => signingKeyFrom(createPrivateKey(pem)).sign;

async function withHost<T>(dataDir: string, fn: (h: Awaited<ReturnType<typeof createHost>>) => Promise<T> | T): Promise<T> {
  const host = await createHost({ mode: 'memory', dataDir });
  try {
    return await fn(host);
  } finally {
    await host.close();
  }
}

/** What an attacker with the data directory and the unsealed key does: drop the triggers, delete entry `victim`, rebuild the chain and ledger.db's own heads, re-sign. */
function rewriteHistory(dataDir: string, victim: number): void {
  const db = openSqlite(databasePaths(dataDir).ledger);
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('audit_log', 'audit_tree_heads')").all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  const rows = db.prepare('SELECT seq, ts, kind, body FROM audit_log ORDER BY seq').all() as { seq: number; ts: number; kind: string; body: string }[];
  db.exec('DELETE FROM audit_log; DELETE FROM audit_tree_heads;');
  let head: ChainHead = EMPTY_HEAD;
  const insert = db.prepare('INSERT INTO audit_log (seq, ts, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)');
  for (const r of rows) {
    if (r.seq === victim) continue;
    const link = chainNext(head, r.ts, r.kind, (JSON.parse(r.body) as { data: unknown }).data);
    insert.run(link.seq, link.ts, link.kind, link.body, link.prevHash, link.hash);
    head = { seq: link.seq, hash: link.hash };
  }
  for (const t of triggers) db.exec(t.sql);
  db.close();
  const ledger = openLedger(databasePaths(dataDir).ledger);
  const svc = new AuditService({ db: ledger.db, log: ledger.audit, dataDir });
  // The re-signing, with the same key, straight into ledger.db (the service itself now refuses to sign it).
  ledger.db.transaction(() => svc.heads.checkpoint(ledger.audit, Date.now(), svc.key().sign))();
  expect(svc.verify().chain.ok).toBe(true);
  expect(svc.verify().heads.ok).toBe(true);
  ledger.db.close();
}

describe('audit anchoring', () => {
  const dataDir = join(dir, 'data');
  const earlier = join(dir, 'earlier.bundle');
  const later = join(dir, 'later.bundle');

  it('anchors every signed tree head in the heads file, outside ledger.db', async () => {
    await withHost(dataDir, (host) => {
      const audit = host.services.audit;
      for (let i = 0; i < 20; i++) audit.log.record('test.event', { i, note: `entry ${i}` });
      writeFileSync(earlier, audit.exportBundle({ fromSeq: 1 }).text);
      expect(audit.checkpoint()?.size).toBe(20);
      for (let i = 20; i < 30; i++) audit.log.record('test.event', { i });
    });
    // The shutdown checkpoint anchored a second head.
    const lines = readFileSync(join(dataDir, HEADS_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { size: number; publicKey: string });
    expect(lines.map((l) => l.size)).toEqual([20, 30]);
    expect(lines[0]!.publicKey).toBe(readPublicKey(dataDir));
    // Private files: the sealed key and the heads file are the owner's only; no plain PEM anywhere.
    expect(statSync(join(dataDir, HEADS_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, KEY_FILE), 'utf8')).not.toMatch(/PRIVATE KEY/);
    await withHost(dataDir, async (host) => {
      const c = createClient(connectInMemory(host.server));
      expect((await c.call('health', {})).ok).toBe(true);
      c.close();
    });
  });

  it('detects the rewritten, re-signed history at the next start, and signs nothing on top of it', async () => {
    rewriteHistory(dataDir, 7);
    await withHost(dataDir, async (host) => {
      const c = createClient(connectInMemory(host.server));
      const health = await c.call('health', {});
      expect(health.ok).toBe(false);
      expect(health.checks.find((x) => x.name === 'engine')?.detail).toMatch(/Audit log tampered with: .*(rewritten|removed)/);
      await expect(c.call('audit.checkpoint', {})).rejects.toMatchObject({ code: 'storage', message: expect.stringMatching(/Refusing to sign/) });
      // The attacker's own export of the rewritten log, signed with the same key.
      writeFileSync(later, host.services.audit.exportBundle({ fromSeq: 1 }).text);
      c.close();
    });
    // Still detected on the start after that: nothing was anchored over the rewritten history.
    await withHost(dataDir, (host) => expect(host.ctx.engineStatus()).toMatchObject({ state: 'degraded' }));
  });

  it('kestrel verify --since the earlier export catches it; the signature alone does not, and verify says so', () => {
    const since = cli('verify', later, '--since', earlier);
    expect(since.code).toBe(1);
    expect(since.out).toMatch(/INCONSISTENT: .*history was rewritten/);
    // Same key: a pinned key proves who signed, not that history is unchanged.
    const pinned = cli('verify', later, '--data-dir', dataDir);
    expect(pinned.code).toBe(0);
    const bare = cli('verify', later);
    expect(bare.code).toBe(1);
    expect(bare.out.split('\n')[0]).toMatch(/^Signer fingerprint: [0-9a-f]{16}/);
    expect(bare.out).toMatch(/UNTRUSTED: .*--key .*--since/);
  });

  it('refuses a bundle signed by a fresh key unless that key is pinned', () => {
    const forged = join(dir, 'forged.bundle');
    const other = join(dir, 'other-data');
    const ledger = openLedger(databasePaths(join(dir, 'data')).ledger);
    const svc = new AuditService({ db: ledger.db, log: ledger.audit, dataDir: other });
    writeFileSync(forged, svc.exportBundle({ fromSeq: 1 }).text);
    ledger.db.close();
    expect(cli('verify', forged, '--data-dir', dataDir)).toMatchObject({ code: 1 });
    expect(cli('verify', forged, '--since', earlier)).toMatchObject({ code: 1 });
    expect(cli('verify', forged, '--key', readPublicKey(other)!)).toMatchObject({ code: 0 });
  });
});

describe('the heads file itself', () => {
  it('reports a deleted heads file instead of starting over with an empty one', async () => {
    const d = join(dir, 'deleted');
    await withHost(d, (host) => {
      for (let i = 0; i < 5; i++) host.services.audit.log.record('test.event', { i });
    });
    expect(existsSync(join(d, HEADS_FILE))).toBe(true);
    rmSync(join(d, HEADS_FILE));
    await withHost(d, (host) => expect(host.ctx.engineStatus()).toMatchObject({ state: 'degraded', detail: expect.stringMatching(/heads file was deleted/) }));
    expect(existsSync(join(d, HEADS_FILE))).toBe(false);
  });

  it('seeds the heads file from ledger.db when upgrading a data directory that still has a plain PEM', async () => {
    const d = join(dir, 'upgrade');
    await withHost(d, (host) => {
      for (let i = 0; i < 5; i++) host.services.audit.log.record('test.event', { i });
    });
    // What an older version left: its PEM, signed heads in ledger.db, no heads file, no sealed key.
    const { pem } = generateSigningKey();
    rmSync(join(d, HEADS_FILE));
    rmSync(join(d, KEY_FILE));
    writeFileSync(join(d, LEGACY_KEY_FILE), pem);
    const ledger = openLedger(databasePaths(d).ledger);
    const old = new AuditService({ db: ledger.db, log: ledger.audit, dataDir: d });
    ledger.audit.record('test.event', { i: 5 });
    const legacySign = loadLegacySigner(pem);
    old.heads.checkpoint(ledger.audit, Date.now(), legacySign);
    ledger.db.close();
    await withHost(d, (host) => expect(host.ctx.engineStatus()).toMatchObject({ state: 'ready' }));
    const lines = readFileSync(join(d, HEADS_FILE), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { size: number }).size)).toEqual([6]);
  });
});

describe('the sealed signing key', () => {
  it('seals a legacy plain PEM on first load and removes it; a wrong passphrase is a clear error', () => {
    const d = join(dir, 'legacy');
    const { key, pem } = generateSigningKey();
    const vault = environmentVault();
    mkdirSync(d, { mode: 0o755 });
    writeFileSync(join(d, LEGACY_KEY_FILE), pem, { mode: 0o644 });
    expect(loadOrCreateSigningKey(d, vault).publicKey).toBe(key.publicKey);
    expect(existsSync(join(d, LEGACY_KEY_FILE))).toBe(false);
    expect(readFileSync(join(d, KEY_FILE), 'utf8')).not.toContain(pem.split('\n')[1]!);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(loadOrCreateSigningKey(d, vault).publicKey).toBe(key.publicKey);
    expect(() => loadOrCreateSigningKey(d, environmentVault({ KESTREL_KEY_PASSPHRASE: 'not the passphrase' }))).toThrow(/Wrong passphrase/);
    expect(() => loadOrCreateSigningKey(d, environmentVault({}))).toThrow(/KESTREL_KEY_PASSPHRASE_FILE/);
  });
});
