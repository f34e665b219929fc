/**
 * Ledger schema v3: periodic Merkle tree heads over the audit log (main/core/audit/merkle.ts). Each row is
 * the RFC 6962 root over audit entries 1..size, the chain hash of entry `size` (ties the head to the
 * chain), the Merkle frontier at that size (so the next head, or a bundle starting there, is computed
 * without re-reading earlier entries) and the app key's signature. Append-only like the log itself.
 */
import type { Migration } from '../../migrate.ts';

export const ledger0003: Migration = {
  version: 3,
  name: 'ledger-0003-audit-tree-heads',
  up(db) {
    db.exec(`
      CREATE TABLE audit_tree_heads (
        size       INTEGER PRIMARY KEY CHECK (size >= 1),
        root       TEXT NOT NULL CHECK (length(root) = 64),
        chain_hash TEXT NOT NULL CHECK (length(chain_hash) = 64),
        frontier   TEXT NOT NULL,
        ts         INTEGER NOT NULL,
        signature  TEXT
      ) STRICT;
      CREATE TRIGGER audit_tree_heads_no_update BEFORE UPDATE ON audit_tree_heads
        BEGIN SELECT RAISE(ABORT, 'audit tree heads are append-only: UPDATE refused'); END;
      CREATE TRIGGER audit_tree_heads_no_delete BEFORE DELETE ON audit_tree_heads
        BEGIN SELECT RAISE(ABORT, 'audit tree heads are append-only: DELETE refused'); END;
      CREATE TRIGGER audit_tree_heads_grow BEFORE INSERT ON audit_tree_heads
        WHEN NEW.size <= COALESCE((SELECT max(size) FROM audit_tree_heads), 0)
          OR NEW.size > COALESCE((SELECT max(seq) FROM audit_log), 0)
        BEGIN SELECT RAISE(ABORT, 'an audit tree head must be larger than the last one and within the log'); END;
    `);
  },
};
