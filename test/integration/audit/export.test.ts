/**
 * The export service end to end: a recorded session in the SQLite audit log → stored tree heads → signed
 * bundle / HTML / CSV → `kestrel verify` offline (signature, chain, tree head, consistency between an
 * earlier and a later export, rewritten history refused) and the audit contract over the in-memory IPC.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBundleConsistency } from '../../../main/core/audit/bundle-consistency.ts';
import { splitBundleText } from '../../../main/core/audit/bundle.ts';
import { verifyBundle } from '../../../main/core/audit/bundle-verify.ts';
import { hexToBytes, verifyInclusion } from '../../../main/core/audit/merkle.ts';
import { ed25519Check } from '../../../main/host/audit/keys.ts';
import { AuditService } from '../../../main/host/audit/service.ts';
import { treeHeadStatement } from '../../../main/storage/audit-tree-heads.ts';
import { startTestHost } from '../../support/host.ts';
import { recordSession } from './session-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'kestrel-audit-export-'));
const rec = recordSession('bt-1');
const svc = new AuditService({ db: rec.stores.db, log: rec.stores.audit, dataDir: dir, clock: () => 1_800_000_000_000 });
afterAll(() => rec.stores.db.close());

const kestrel = join(import.meta.dirname, '..', '..', '..', 'main', 'cli', 'kestrel.ts');
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [kestrel, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('audit export service', () => {
  const first = svc.exportBundle({});
  const firstFile = join(dir, 'first.kab');
  writeFileSync(firstFile, first.text);

  it('stores signed tree heads that match the log', () => {
    const h = svc.checkpoint()!;
    expect(h.size).toBe(rec.stores.audit.count());
    expect(ed25519Check(treeHeadStatement(h), hexToBytes(h.signature!), hexToBytes(svc.key().publicKey))).toBe(true);
    expect(svc.checkpoint()).toBeNull();
    expect(svc.treeHead().current.root).toBe(h.root);
    expect(svc.verify()).toMatchObject({ chain: { ok: true }, heads: { ok: true, checked: 1 } });
  });

  it('exports a signed bundle that verifies offline, pinned to the app key', () => {
    const r = verifyBundle(splitBundleText(first.text), { checkSignature: ed25519Check, expectedKey: svc.key().publicKey });
    expect(r.ok).toBe(true);
    expect(r.verified).toBe(rec.stores.audit.count());
    expect(cli('verify', firstFile, '--data-dir', dir).code).toBe(0);
  });

  it('a later export proves it extends the earlier one; a rewritten history fails', () => {
    // More activity, then a later export carrying a consistency proof from the first export's head.
    for (let i = 0; i < 37; i++) rec.stores.audit.record('config-change', { type: 'config-change', payload: { what: 'limit', to: i } }, 1_700_100_000_000 + i);
    const later = svc.exportBundle({ since: first.treeHead });
    const laterFile = join(dir, 'later.kab');
    writeFileSync(laterFile, later.text);
    const ok = cli('verify', laterFile, '--since', firstFile);
    expect(ok.out).toMatch(/CONSISTENT: tree size \d+ extends tree size \d+/);
    expect(ok.code).toBe(0);

    // A rewritten history of the same length: the same session recorded under another id, so every
    // entry before the earlier head differs. The service refuses to claim it extends the earlier export.
    const tampered = recordSession('bt-X').stores;
    const ts = new AuditService({ db: tampered.db, log: tampered.audit, dataDir: dir });
    expect(() => ts.exportBundle({ since: first.treeHead })).toThrow(/not an extension/);
    // A forger exporting with a proof from its own root at that size: the offline check against the earlier export fails.
    const ownRoot = ts.heads.consistency(tampered.audit, first.treeHead.size, tampered.audit.count()).from.root;
    const forged = ts.exportBundle({ since: { size: first.treeHead.size, root: ownRoot } });
    const forgedFile = join(dir, 'forged.kab');
    writeFileSync(forgedFile, forged.text);
    const bad = cli('verify', forgedFile, '--since', firstFile);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/INCONSISTENT: the later log does NOT extend the earlier export/);
    const e = verifyBundle(splitBundleText(first.text), { checkSignature: ed25519Check });
    const f = verifyBundle(splitBundleText(forged.text), { checkSignature: ed25519Check });
    expect(f.ok).toBe(true);
    expect(checkBundleConsistency(e, f)).toMatchObject({ ok: false, how: 'proof' });
    tampered.db.close();
  });

  it('kestrel verify names the line and entry of a flipped byte', () => {
    const lines = first.text.split('\n');
    const k = 40;
    lines[k] = lines[k]!.replace('"kind":"', '"kind":"x');
    const f = join(dir, 'flipped.kab');
    writeFileSync(f, lines.join('\n'));
    const r = cli('verify', f);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`line ${k + 1} (entry seq ${k})`);
  });

  it('writes an HTML report and CSV tables of a session', () => {
    const { html, verification } = svc.exportHtml({ session: 'bt-1' });
    expect(verification.ok).toBe(true);
    for (const s of ['Summary', 'Verification status', 'VERIFIED', 'P&amp;L', 'Orders', 'Fills', 'Risk events', 'Timeline']) expect(html).toContain(s);
    expect(html).not.toMatch(/<script|src=|href=/);
    const fills = svc.exportCsv({ session: 'bt-1' }, 'fills').trim().split('\r\n');
    expect(fills.length - 1).toBe(rec.fills);
    expect(svc.exportCsv({ session: 'bt-1' }, 'orders')).toMatch(/^client_order_id,/);
  });

  it('kestrel audit-export writes a bundle that kestrel verify accepts', () => {
    const out = join(dir, 'cli.kab');
    const dataDir = mkdtempSync(join(tmpdir(), 'kestrel-audit-cli-'));
    // The CLI works on a data dir: give it a copy of the ledger holding the recorded log.
    const src = rec.stores.db.name;
    rec.stores.db.pragma('wal_checkpoint(TRUNCATE)');
    writeFileSync(join(dataDir, 'ledger.db'), readFileSync(src));
    const w = cli('audit-export', '--data-dir', dataDir, '--session', 'bt-1', '--out', out);
    expect(w.code).toBe(0);
    const v = cli('verify', out, '--data-dir', dataDir);
    expect(v.out).toMatch(/^OK /m);
    expect(v.code).toBe(0);
  });
});

describe('the audit contract', () => {
  it('lists, filters, pages and proves events; PDF is skipped headless', async () => {
    const t = await startTestHost();
    try {
      const a = t.host.services.audit;
      const base = a.log.head().seq;
      for (let i = 0; i < 25; i++) a.log.record(i % 2 ? 'fill' : 'signal', { type: i % 2 ? 'fill' : 'signal', ts: 1_700_000_000_000 + i, session: 'ipc-1', symbol: i % 3 ? 'BTC/USDT' : 'ETH/USDT', payload: { i } }, 1_700_000_000_000 + i);
      const p1 = await t.client.call('audit.events', { session: 'ipc-1', types: ['fill'], limit: 5 });
      expect(p1.items.map((x) => x.type)).toEqual(Array(5).fill('fill'));
      expect(p1.next).not.toBeNull();
      const p2 = await t.client.call('audit.events', { session: 'ipc-1', types: ['fill'], limit: 50, after: p1.next! });
      expect(p1.items.length + p2.items.length).toBe(12);
      expect(p2.next).toBeNull();
      const eth = await t.client.call('audit.events', { session: 'ipc-1', symbol: 'ETH/USDT' });
      expect(eth.items.every((x) => x.symbol === 'ETH/USDT')).toBe(true);
      const d = await t.client.call('audit.event', { seq: base + 3 });
      const ok = verifyInclusion(hexToBytes(d.inclusion.leaf), base + 2, d.inclusion.treeHead.size, d.inclusion.proof.map((h) => hexToBytes(h)), hexToBytes(d.inclusion.treeHead.root));
      expect(ok).toBe(true);
      expect((await t.client.call('audit.verify', {})).chain.ok).toBe(true);
      const b = await t.client.call('audit.export.bundle', { scope: { session: 'ipc-1' } });
      expect(verifyBundle(splitBundleText(b.text), { checkSignature: ed25519Check }).ok).toBe(true);
      const pdf = await t.client.call('audit.export.pdf', { scope: { session: 'ipc-1' } });
      expect(pdf.skipped).toMatch(/Chromium/);
      await expect(t.client.call('audit.replay', { session: 'nope' })).rejects.toThrow(/not found/);
      await expect(t.client.call('audit.rerun', { session: 'ipc-1' })).rejects.toThrow(/no session-start: the session cannot be re-run/);
    } finally {
      await t.close();
    }
  });
});
