/**
 * Ledger schema v2: the hash-chained audit log. Triggers make it append-only at the SQL level (UPDATE and
 * DELETE abort) and refuse an insert that is not the next link (seq = last + 1, prev_hash = last hash),
 * so even a buggy writer cannot fork or rewrite the chain. `hash` is deliberately not UNIQUE: a unique
 * column would let `INSERT OR REPLACE` delete an existing row without firing the DELETE trigger.
 */
import type { Migration } from '../../migrate.ts';
import { GENESIS_HASH } from '../../../core/audit/chain.ts';

export const ledger0002: Migration = {
  version: 2,
  name: 'ledger-0002-audit',
  up(db) {
    db.exec(`
      CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        ts        INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        body      TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX audit_by_kind ON audit_log (kind, ts);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: UPDATE refused'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END;
      CREATE TRIGGER audit_next_link BEFORE INSERT ON audit_log
        WHEN NEW.seq IS NOT COALESCE((SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), 0) + 1
          OR NEW.prev_hash IS NOT COALESCE((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), '${GENESIS_HASH}')
        BEGIN SELECT RAISE(ABORT, 'audit log insert is not the next link of the chain'); END;
    `);
  },
};
