/**
 * Ledger schema v4: accounts as first-class objects. An account (settings.json: venue, environment, market
 * type, currency, risk profile, credentials ref) owns BOOKS: the rows of `accounts`, one per reset of a
 * paper account (the id orders, fills and positions carry). `owner` names the account a book belongs to;
 * `sessions.owner` the account a session traded for.
 *
 * Everything an earlier release wrote was the one paper account's: it moves into the "demo" account
 * (settings' default Demo account). Nothing else is rewritten — book ids, orders, fills, positions and the
 * audit log keep their rows byte for byte, so the hash chain still verifies.
 */
import type { Migration } from '../../migrate.ts';

export const ledger0004: Migration = {
  version: 4,
  name: 'ledger-0004-account-owner',
  up(db) {
    db.exec(`
      ALTER TABLE accounts ADD COLUMN owner TEXT NOT NULL DEFAULT 'demo';
      CREATE INDEX accounts_by_owner ON accounts (owner, created_at);
      ALTER TABLE sessions ADD COLUMN owner TEXT;
      UPDATE sessions SET owner = COALESCE((SELECT a.owner FROM accounts a WHERE a.id = sessions.account_id), 'demo') WHERE kind = 'paper';
    `);
  },
};
