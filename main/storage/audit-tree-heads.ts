/**
 * Periodic Merkle tree heads over the audit log (table audit_tree_heads, ledger migration 0003). A head is
 * computed from the previous head's stored frontier plus the entries appended since, so a checkpoint
 * costs O(new entries). Proofs (inclusion, consistency) are built from the log's chain hashes, which are
 * the leaves; no entry body is re-hashed.
 */
import { canonicalJson } from '../core/audit/canonical.ts';
import { bytesToHex, consistencyProof, entryLeaf, hexToBytes, inclusionProof, MerkleFrontier, subtreeRoot, verifyConsistency, type Hash, type TreeHead } from '../core/audit/merkle.ts';
import { StorageError, ValidationError } from '../core/errors.ts';
import type { AuditLog } from './audit-log.ts';
import { guarded, type SqliteDb, type SqliteStatement } from './sqlite.ts';

export interface StoredTreeHead extends TreeHead {
  /** Chain hash of entry `size`. */
  readonly chainHash: string;
  readonly frontier: readonly string[];
  readonly ts: number;
  /** Ed25519 signature (hex) over treeHeadStatement(), when the host signed it. */
  readonly signature: string | null;
}

interface Row {
  size: number;
  root: string;
  chain_hash: string;
  frontier: string;
  ts: number;
  signature: string | null;
}

/** The bytes a tree-head signature covers. */
export function treeHeadStatement(h: { size: number; root: string; chainHash: string; ts: number }): Uint8Array {
  return new TextEncoder().encode(canonicalJson({ chainHash: h.chainHash, root: h.root, size: h.size, ts: h.ts, type: 'kestrel-audit-tree-head' }));
}

export class AuditTreeHeads {
  private readonly db: SqliteDb;
  private readonly st: {
    latest: SqliteStatement<[], Row>;
    atOrBefore: SqliteStatement<[number], Row>;
    list: SqliteStatement<[number], Row>;
    all: SqliteStatement<[], Row>;
    insert: SqliteStatement<[number, string, string, string, number, string | null]>;
  };

  constructor(db: SqliteDb) {
    this.db = db;
    const cols = 'size, root, chain_hash, frontier, ts, signature';
    this.st = {
      latest: db.prepare(`SELECT ${cols} FROM audit_tree_heads ORDER BY size DESC LIMIT 1`),
      atOrBefore: db.prepare(`SELECT ${cols} FROM audit_tree_heads WHERE size <= ? ORDER BY size DESC LIMIT 1`),
      list: db.prepare(`SELECT ${cols} FROM audit_tree_heads ORDER BY size DESC LIMIT ?`),
      all: db.prepare(`SELECT ${cols} FROM audit_tree_heads ORDER BY size`),
      insert: db.prepare('INSERT INTO audit_tree_heads (size, root, chain_hash, frontier, ts, signature) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  latest(): StoredTreeHead | null {
    const r = this.st.latest.get();
    return r ? toHead(r) : null;
  }

  list(limit = 100): StoredTreeHead[] {
    return this.st.list.all(Math.min(Math.max(1, limit), 10_000)).map(toHead);
  }

  /**
   * The frontier of leaves 1..size, starting from the nearest stored head at or below `size` and reading
   * only the entries after it. Checks each read link follows the stored head (a rewritten log is refused).
   */
  frontierAt(log: AuditLog, size: number): MerkleFrontier {
    if (!Number.isSafeInteger(size) || size < 0) throw new ValidationError(`tree size must be a non-negative integer, got ${size}`);
    const base = this.st.atOrBefore.get(size);
    const f = base ? MerkleFrontier.fromHex(base.size, JSON.parse(base.frontier) as string[]) : new MerkleFrontier();
    let prev = base?.chain_hash;
    if (f.size === size) return f;
    for (const link of log.iterate(f.size)) {
      if (prev !== undefined && link.prevHash !== prev) throw new StorageError(`audit entry ${link.seq} does not follow the stored tree head at size ${link.seq - 1}: the log was rewritten`, { seq: link.seq });
      f.push(entryLeaf(link.hash));
      prev = link.hash;
      if (f.size === size) return f;
    }
    throw new ValidationError(`the audit log has only ${f.size} entries; no tree of size ${size}`);
  }

  /**
   * Stores the head of the whole log as it is now (nothing when no entry was appended since the last
   * head). `sign` is the host's Ed25519 key.
   */
  checkpoint(log: AuditLog, ts: number, sign?: (msg: Uint8Array) => Uint8Array): StoredTreeHead | null {
    return guarded('store audit tree head', () =>
      this.db.transaction(() => {
        const head = log.head();
        const last = this.latest();
        if (head.seq === 0 || (last && last.size >= head.seq)) return null;
        const f = this.frontierAt(log, head.seq);
        const h = { size: f.size, root: bytesToHex(f.root()), chainHash: head.hash, ts };
        const signature = sign ? bytesToHex(sign(treeHeadStatement(h))) : null;
        this.st.insert.run(h.size, h.root, h.chainHash, JSON.stringify(f.toHex()), ts, signature);
        return { ...h, frontier: f.toHex(), signature };
      }).immediate(),
    );
  }

  /** Every leaf hash 1..size (for proofs). */
  leaves(log: AuditLog, size: number): Hash[] {
    const out: Hash[] = [];
    for (const link of log.iterate(0)) {
      if (out.length >= size) break;
      out.push(entryLeaf(link.hash));
    }
    if (out.length < size) throw new ValidationError(`the audit log has only ${out.length} entries; no tree of size ${size}`);
    return out;
  }

  /** Proof that the log at `size` extends the log at `from`. */
  consistency(log: AuditLog, from: number, size: number): { from: TreeHead; to: TreeHead; proof: string[] } {
    if (!(Number.isSafeInteger(from) && from >= 0 && from <= size)) throw new ValidationError(`cannot prove size ${from} against size ${size}`);
    const ls = this.leaves(log, size);
    return {
      from: { size: from, root: bytesToHex(subtreeRoot(ls, 0, from)) },
      to: { size, root: bytesToHex(subtreeRoot(ls)) },
      proof: consistencyProof(ls, from).map((h) => bytesToHex(h)),
    };
  }

  /** Audit path of entry `seq` in the tree of `size`. */
  inclusion(log: AuditLog, seq: number, size: number): { seq: number; leaf: string; treeHead: TreeHead; proof: string[] } {
    const ls = this.leaves(log, size);
    if (!(Number.isSafeInteger(seq) && seq >= 1 && seq <= size)) throw new ValidationError(`entry ${seq} is not in a tree of size ${size}`);
    return { seq, leaf: bytesToHex(ls[seq - 1]!), treeHead: { size, root: bytesToHex(subtreeRoot(ls)) }, proof: inclusionProof(ls, seq - 1).map((h) => bytesToHex(h)) };
  }

  /**
   * Checks every stored head against the log as it is now: each must be the root of the log's first
   * `size` entries and consistent with the current head. Names the first that is not.
   */
  verifyAll(log: AuditLog): { ok: boolean; checked: number; problem?: string; size?: number } {
    const heads = this.st.all.all().map(toHead);
    const n = log.head().seq;
    const ls: Hash[] = [];
    for (const link of log.iterate(0)) ls.push(entryLeaf(link.hash));
    const now = subtreeRoot(ls);
    let checked = 0;
    for (const h of heads) {
      if (h.size > n) return { ok: false, checked, size: h.size, problem: `tree head at size ${h.size} is beyond the log (${n} entries): entries were removed` };
      const root = bytesToHex(subtreeRoot(ls, 0, h.size));
      if (root !== h.root) return { ok: false, checked, size: h.size, problem: `tree head at size ${h.size} does not match the log's first ${h.size} entries: history before it was rewritten` };
      if (!verifyConsistency(h.size, n, hexToBytes(h.root), now, consistencyProof(ls, h.size))) return { ok: false, checked, size: h.size, problem: `the log is not consistent with the tree head at size ${h.size}` };
      checked++;
    }
    return { ok: true, checked };
  }
}

function toHead(r: Row): StoredTreeHead {
  return { size: r.size, root: r.root, chainHash: r.chain_hash, frontier: JSON.parse(r.frontier) as string[], ts: r.ts, signature: r.signature };
}
