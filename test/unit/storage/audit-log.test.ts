import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SessionAuditSink } from '../../../main/core/audit/session.ts';
import type { AuditEvent } from '../../../main/core/ports.ts';
import { openLedger } from '../../../main/storage/index.ts';
import { tempDir } from './helpers.ts';

function open(file = `${tempDir()}/ledger.db`) {
  return { file, ...openLedger(file) };
}

describe('audit log', () => {
  it('appends linked entries, implements the AuditSink port, and verifies', () => {
    const l = open();
    const a = l.audit.record('signal', { rule: 'ema-cross', v: 1n }, 1000);
    l.audit.append({ type: 'risk-verdict', ts: 1001, payload: { ok: false, reasons: [{ rule: 'max_notional' }] } });
    const [e1, e2] = l.audit.read();
    expect(e1).toEqual(a);
    expect(e2).toMatchObject({ seq: 2, kind: 'risk-verdict', ts: 1001, prevHash: a.hash });
    expect(JSON.parse(e2!.body).data.payload.reasons[0].rule).toBe('max_notional');
    expect(l.audit.recordMany([{ kind: 'order', data: {} }, { kind: 'fill', data: {} }]).map((e) => e.seq)).toEqual([3, 4]);
    expect(l.audit.verify()).toEqual({ ok: true, count: 4, head: l.audit.head() });
    expect(l.audit.read({ kind: 'fill' })).toHaveLength(1);
    l.db.close();
  });

  it('UPDATE and DELETE on the audit table fail; a forked or replacing insert fails', () => {
    const l = open();
    l.audit.record('order', { id: 1 });
    l.audit.record('order', { id: 2 });
    expect(() => l.db.prepare(`UPDATE audit_log SET body = '{}' WHERE seq = 1`).run()).toThrow(/append-only/);
    expect(() => l.db.prepare(`DELETE FROM audit_log WHERE seq = 2`).run()).toThrow(/append-only/);
    expect(() => l.db.prepare(`INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 1`).run()).toThrow(/next link/);
    expect(() => l.db.prepare(`INSERT INTO audit_log VALUES (3, 0, 'x', '{}', '${'0'.repeat(64)}', 'h')`).run()).toThrow(/next link/);
    expect(l.audit.count()).toBe(2);
    expect(l.audit.verify().ok).toBe(true);
    l.db.close();
  });

  it('a rolled-back transaction leaves no trace in the chain head', () => {
    const l = open();
    l.audit.record('order', { id: 1 });
    expect(() =>
      l.db.transaction(() => {
        l.audit.record('order', { id: 2 });
        throw new Error('tick failed');
      })(),
    ).toThrow('tick failed');
    expect(l.audit.record('order', { id: 3 }).seq).toBe(2);
    expect(l.audit.verify().ok).toBe(true);
    l.db.close();
  });

  it('two connections appending alternately keep one valid chain', () => {
    const a = open();
    const b = openLedger(a.file);
    for (let i = 0; i < 50; i++) (i % 3 ? a : b).audit.record('signal', { i });
    b.ledger.batch(() => b.audit.record('signal', { in: 'batch' }));
    a.audit.record('signal', { after: true });
    expect(a.audit.verify()).toMatchObject({ ok: true, count: 52 });
    b.db.close();
    a.db.close();
  });

  it('append (the UTF-8 path) re-reads a stale head too: after a rolled-back transaction and between two connections, mixed with record', () => {
    const a = open();
    const b = openLedger(a.file);
    const sa = new SessionAuditSink(a.audit, { sessionId: 'A', kind: 'paper', account: 'x' });
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) b.audit.append({ type: 'signal', ts: i, payload: { i } });
      else if (i % 3 === 1) sa.append({ type: 'order', ts: i, payload: { i } });
      else a.audit.record('signal', { i }, i);
    }
    expect(() => a.db.transaction(() => {
      sa.append({ type: 'order', ts: 99, payload: { lost: true } });
      throw new Error('tick failed');
    })()).toThrow('tick failed');
    sa.append({ type: 'order', ts: 100, payload: { kept: true } });
    expect(a.audit.verify()).toMatchObject({ ok: true, count: 31 });
    expect(JSON.parse(a.audit.read({ fromSeq: 31 })[0]!.body).data.payload).toEqual({ kept: true });
    expect(() => a.audit.append({ type: 'order', ts: 1.5, payload: {} })).toThrow(/integer/);
    expect(() => a.audit.append({ type: 'order', ts: 1, payload: { x: Number.NaN } })).toThrow(/non-finite number at \$\.data\.payload\.x/);
    expect(a.audit.count()).toBe(31);
    b.db.close();
    a.db.close();
  });

  it('the chain trigger refuses a gap, a repeat, a reorder, a wrong previous hash and a row without seq, with the body bound as bytes too', () => {
    const l = open();
    const sink = new SessionAuditSink(l.audit, { sessionId: 'S', kind: 'paper' });
    for (let i = 0; i < 3; i++) sink.append({ type: 'order', ts: i, payload: { i } });
    const [e1, e2, e3] = l.audit.read();
    const ins = l.db.prepare('INSERT INTO audit_log (seq, ts, kind, body, prev_hash, hash) VALUES (?, 0, ?, CAST(? AS TEXT), ?, ?)');
    const body = new TextEncoder().encode('{}');
    for (const [seq, prev] of [[5, e3!.hash], [3, e2!.hash], [2, e1!.hash], [4, e2!.hash], [null, e3!.hash], [4, 'f'.repeat(64)]] as const) {
      expect(() => ins.run(seq, 'x', body, prev, 'h')).toThrow(/next link/);
    }
    expect(() => l.db.prepare('INSERT INTO audit_log (seq, ts, kind, body, prev_hash, hash) VALUES (4, 0, ?, ?, ?, ?)').run('x', body, e3!.hash, 'h')).toThrow(/cannot store BLOB/);
    ins.run(4, 'x', body, e3!.hash, 'h');
    expect(l.audit.count()).toBe(4);
    l.db.close();
  });

  it('one edited byte of a stored entry (bypassing the triggers) is detected at that entry', () => {
    const l = open();
    for (let i = 1; i <= 20; i++) l.audit.record('fill', { i, qty: 100 + i });
    l.db.exec('DROP TRIGGER audit_no_update');
    l.db.prepare(`UPDATE audit_log SET body = replace(body, '"qty":107', '"qty":108') WHERE seq = 7`).run();
    expect(l.audit.verify()).toMatchObject({ ok: false, brokenAt: 7, count: 6, reason: expect.stringMatching(/hash mismatch at seq 7/) });
    l.db.close();
  });

  it('one byte edited in the database FILE is detected at that entry', () => {
    const l = open();
    for (let i = 1; i <= 300; i++) l.audit.record('order', { marker: `m${String(i).padStart(4, '0')}`, pad: 'x'.repeat(40) });
    l.db.pragma('wal_checkpoint(TRUNCATE)');
    l.db.close();
    const needle = Buffer.from('"marker":"m0123"');
    const at = readFileSync(l.file).indexOf(needle);
    expect(at).toBeGreaterThan(0);
    const fd = openSync(l.file, 'r+');
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at + needle.length - 2);
    writeSync(fd, Buffer.from([b[0]! ^ 0x01]), 0, 1, at + needle.length - 2);
    closeSync(fd);
    const again = openLedger(l.file);
    expect(again.audit.verify()).toMatchObject({ ok: false, brokenAt: 123 });
    again.db.close();
  });

  it('a session sink stores exactly the entries it did when it spread the stamp into a copy (same chain hashes), and observers get the stamped event', () => {
    const events: AuditEvent[] = [
      { type: 'session-start', ts: 1_000, payload: { config: { venue: { id: 'p' } } } },
      { type: 'risk-verdict', ts: 1_000, symbol: 'BTC/USDT', payload: { ok: true, reasons: [], request: { qty: 1, side: 'buy' } } },
      { type: 'order', ts: 1_001, symbol: 'BTC/USDT', strategyVersion: 'own', payload: { event: 'created', order: { qty: 1, note: 'é😀"' } } },
      { type: 'fill', ts: 1_002, venueTs: 999, symbol: 'BTC/USDT', payload: { fill: { price: 5, fee: 12n } } },
      { type: 'order', ts: 1_002, payload: { session: 'inner', account: 'inner' } },
      { payload: {}, ts: 1_003, type: 'override', account: 'event-own', session: 'event-own', strategyVersion: undefined } as unknown as AuditEvent,
    ];
    for (const info of [{ sessionId: 'S1', kind: 'paper' as const, account: 'acc' }, { sessionId: 'S2', kind: 'backtest' as const, strategyVersion: 'v'.repeat(64) }, { sessionId: 'S3', kind: 'live' as const }]) {
      const ours = open();
      const old = open();
      const seen: AuditEvent[] = [];
      ours.audit.append({ type: 'bar', ts: 1, payload: { plain: 'é' } });
      old.audit.record('bar', { type: 'bar', ts: 1, payload: { plain: 'é' } }, 1);
      ours.audit.observe((e) => seen.push(e));
      const stampAware = new SessionAuditSink(ours.audit, info, 4);
      // Without appendStamped the sink falls back to its spread copy, and `record` encodes it as a string and
      // links it with the string hasher: the way every entry was stored before.
      const spread: AuditEvent[] = [];
      const spreading = new SessionAuditSink({ append: (e) => void (spread.push(e), old.audit.record(e.type, e, e.ts)) }, info, 4);
      for (const e of events) {
        stampAware.append(e);
        spreading.append(e);
      }
      expect(ours.audit.read()).toEqual(old.audit.read());
      expect(ours.audit.head()).toEqual(old.audit.head());
      expect(seen).toStrictEqual(spread);
      // Bound as UTF-8 bytes, stored as TEXT: the same type and bytes, and SQL's JSON reads it.
      const q = "SELECT typeof(body) AS t, hex(body) AS h, json_extract(body, '$.data.payload.order.note') AS note FROM audit_log ORDER BY seq";
      expect(ours.db.prepare(q).all()).toEqual(old.db.prepare(q).all());
      expect(ours.db.prepare(q).all()).toContainEqual(expect.objectContaining({ t: 'text', note: 'é😀"' }));
      expect(seen.map((e) => (e as unknown as { sessionSeq: number }).sessionSeq)).toEqual([5, 6, 7, 8, 9, 10]);
      expect(ours.audit.verify().ok).toBe(true);
      ours.db.close();
      old.db.close();
    }
  });
});
