/**
 * The audit log repository: appends links of the hash chain (main/core/audit/chain.ts) to the ledger's
 * append-only audit_log table, and verifies it. The head of the last append is kept to link the next one
 * without a read; it can go stale (an outer transaction rolled back, another connection appended), and
 * then the table's `audit_next_link` trigger refuses the insert, the head is read from the table and the
 * append is done again. The trigger, not the memory, is what guarantees the chain.
 */
import { CanonicalBytes, canonicalEntryBodyInto } from '../core/audit/canonical.ts';
import { chainNext, checkEntryArgs, EMPTY_HEAD, type ChainHead, type ChainedEntry } from '../core/audit/chain.ts';
import type { EventStamp, StampAwareSink } from '../core/audit/session.ts';
import { ChainVerifier, type VerifyResult } from '../core/audit/verify.ts';
import type { AuditEvent, AuditSink } from '../core/ports.ts';
import { nativeLinkHash, nativeLinkHashInto } from './audit-hash.ts';
import { guarded, toStorageError, type SqliteDb, type SqliteStatement } from './sqlite.ts';

/** One stored audit row, as SELECTed with AUDIT_COLUMNS (shared with audit-query.ts). */
export interface Row {
  seq: number;
  ts: number;
  kind: string;
  body: string;
  prev_hash: string;
  hash: string;
}

export interface AuditQuery {
  /** First chain seq to return (default 1). */
  readonly fromSeq?: number;
  readonly limit?: number;
  readonly kind?: string;
}

export class AuditLog implements AuditSink, StampAwareSink {
  private readonly db: SqliteDb;
  private readonly st: {
    head: SqliteStatement<[], { seq: number; hash: string }>;
    insert: SqliteStatement<[number, number, string, string, string, string]>;
    insertBytes: SqliteStatement<[number, number, string, Uint8Array, string, string]>;
    page: SqliteStatement<[number, number], Row>;
    pageKind: SqliteStatement<[number, string, number], Row>;
    iterFrom: SqliteStatement<[number], Row>;
    count: SqliteStatement<[], { n: number }>;
  };
  private readonly clock: () => number;
  private readonly observers = new Set<(e: AuditEvent) => void>();
  /** The head after this instance's last append; null when unknown (see the file comment). */
  private lastHead: ChainHead | null = null;
  /** Where `store` encodes a body: 32 bytes for the previous hash, then the body's UTF-8. */
  private bytes = new CanonicalBytes();

  constructor(db: SqliteDb, clock: () => number = Date.now) {
    this.db = db;
    this.clock = clock;
    this.st = {
      head: db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare('INSERT INTO audit_log (seq, ts, kind, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)'),
      // The body bound as its UTF-8 bytes and stored as TEXT: SQLite's CAST keeps the bytes as they are.
      insertBytes: db.prepare('INSERT INTO audit_log (seq, ts, kind, body, prev_hash, hash) VALUES (?, ?, ?, CAST(? AS TEXT), ?, ?)'),
      page: db.prepare('SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?'),
      pageKind: db.prepare('SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE seq >= ? AND kind = ? ORDER BY seq LIMIT ?'),
      iterFrom: db.prepare('SELECT seq, ts, kind, body, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq'),
      count: db.prepare('SELECT count(*) AS n FROM audit_log'),
    };
  }

  head(): ChainHead {
    return this.st.head.get() ?? EMPTY_HEAD;
  }

  /**
   * Appends one entry and returns the stored link. Outside a transaction this is one commit of its own;
   * inside `Ledger.batch()` it joins the batch's single commit (durability: README.md).
   */
  record(kind: string, data: unknown, ts: number = this.clock()): ChainedEntry {
    return guarded('append audit entry', () => {
      const known = this.lastHead;
      this.lastHead = null;
      let link: ChainedEntry;
      try {
        link = this.appendAfter(known, kind, data, ts);
      } catch (e) {
        if (known === null || !isNotNextLink(e)) throw e;
        link = this.appendAfter(null, kind, data, ts); // the kept head was stale: read it and link again
      }
      this.lastHead = { seq: link.seq, hash: link.hash };
      return link;
    });
  }

  private appendAfter(known: ChainHead | null, kind: string, data: unknown, ts: number): ChainedEntry {
    const append = (): ChainedEntry => {
      const link = chainNext(known ?? this.head(), ts, kind, data, nativeLinkHash);
      this.st.insert.run(link.seq, link.ts, link.kind, link.body, link.prevHash, link.hash);
      return link;
    };
    // Head read and insert under one write lock, so another writer (another process) cannot slip in between.
    // Inside a transaction (a ledger batch: BEGIN IMMEDIATE) the lock is held already and the one INSERT is
    // atomic by itself, so the entry needs no savepoint of its own; the chain triggers still refuse any
    // insert that is not the next link.
    return this.db.inTransaction ? append() : this.db.transaction(append).immediate();
  }

  /** Several entries in one transaction (one commit). */
  recordMany(entries: readonly { kind: string; data: unknown; ts?: number }[]): ChainedEntry[] {
    return guarded('append audit entries', () => this.db.transaction(() => entries.map((e) => this.record(e.kind, e.data, e.ts))).immediate());
  }

  /**
   * `record` for callers that need no link back (the engine's events): the body goes from the encoder's
   * bytes to the hash and the row, and is never a string. The same entry, byte for byte (tests).
   */
  private store(kind: string, data: unknown, ts: number, extra: EventStamp | undefined): void {
    // guarded() by hand and no closure outside a transaction: this runs once per audited event.
    try {
      const known = this.lastHead;
      this.lastHead = null;
      let head: ChainHead;
      try {
        head = this.storeAfter(known, kind, data, ts, extra);
      } catch (e) {
        if (known === null || !isNotNextLink(e)) throw e;
        head = this.storeAfter(null, kind, data, ts, extra); // the kept head was stale: read it and link again
      }
      this.lastHead = head;
    } catch (e) {
      throw toStorageError(e, 'append audit entry');
    }
  }

  private storeAfter(known: ChainHead | null, kind: string, data: unknown, ts: number, extra: EventStamp | undefined): ChainHead {
    // As appendAfter: inside a batch the one INSERT needs no transaction of its own.
    if (!this.db.inTransaction) return this.db.transaction(() => this.storeLink(known, kind, data, ts, extra)).immediate();
    return this.storeLink(known, kind, data, ts, extra);
  }

  private storeLink(known: ChainHead | null, kind: string, data: unknown, ts: number, extra: EventStamp | undefined): ChainHead {
    checkEntryArgs(ts, kind);
    const prev = known ?? this.head();
    const seq = prev.seq + 1;
    const out = this.bytes;
    out.reset(32);
    canonicalEntryBodyInto(out, kind, seq, ts, data, extra);
    const hash = nativeLinkHashInto(prev.hash, out);
    this.st.insertBytes.run(seq, ts, kind, out.bytes.subarray(32, out.length), prev.hash, hash);
    if (out.bytes.length > 1 << 20) this.bytes = new CanonicalBytes(); // one huge entry does not pin its size
    return { seq, hash };
  }

  /** The engine's AuditSink port: the event (all of it) becomes the entry's data; its type the kind. */
  append(event: AuditEvent): void {
    this.store(event.type, event, event.ts, undefined);
    for (const fn of this.observers) fn(event);
  }

  /**
   * A SessionAuditSink's event and its stamp (session.ts): stores the same entry as
   * `append({ ...event, ...stamp })`; the stamped copy is built only when someone observes it.
   */
  appendStamped(event: AuditEvent, stamp: EventStamp): void {
    this.store(event.type, event, event.ts, stamp);
    if (this.observers.size === 0) return;
    const stamped: AuditEvent = { ...event, ...stamp };
    for (const fn of this.observers) fn(stamped);
  }

  /**
   * Calls `fn` with every engine event appended (after it is stored): the host's metrics and alerts read
   * orders, fills, verdicts and state changes of every session here. Returns the unsubscribe.
   */
  observe(fn: (e: AuditEvent) => void): () => void {
    this.observers.add(fn);
    return () => void this.observers.delete(fn);
  }

  count(): number {
    return this.st.count.get()!.n;
  }

  read(q: AuditQuery = {}): ChainedEntry[] {
    const from = q.fromSeq ?? 1;
    const limit = Math.min(Math.max(1, q.limit ?? 1000), 100_000);
    const rows = q.kind ? this.st.pageKind.all(from, q.kind, limit) : this.st.page.all(from, limit);
    return rows.map(toLink);
  }

  /** All links after `after.seq`, streamed (for export and verification). */
  *iterate(afterSeq = 0): Generator<ChainedEntry> {
    for (const r of this.st.iterFrom.iterate(afterSeq)) yield toLink(r);
  }

  /**
   * Walks the chain (from the genesis, or from a trusted head) and names the first broken link. Long for
   * big logs: the host runs it in the SQL worker (workers/sql) rather than on the main thread.
   */
  verify(from: ChainHead = EMPTY_HEAD): VerifyResult {
    const v = new ChainVerifier(from, nativeLinkHash);
    for (const link of this.iterate(from.seq)) if (!v.push(link)) break;
    return v.result();
  }
}

/** The refusal of migration 0002's `audit_next_link` trigger. */
function isNotNextLink(e: unknown): boolean {
  return e instanceof Error && e.message.includes('audit log insert is not the next link');
}

export function toLink(r: Row): ChainedEntry {
  return { seq: r.seq, ts: r.ts, kind: r.kind, body: r.body, prevHash: r.prev_hash, hash: r.hash };
}
