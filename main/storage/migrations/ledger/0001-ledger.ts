/**
 * Ledger schema v1. Money is never REAL: prices are integer ticks, quantities integer lots, Money (bigint
 * atto-units in the engine) a TEXT decimal string — STRICT tables plus the repositories' checks enforce it. Every engine object also keeps its full JSON in `data`
 * so the queryable columns can stay few and stable while the engine's model evolves.
 */
import type { Migration } from '../../migrate.ts';

export const ledger0001: Migration = {
  version: 1,
  name: 'ledger-0001-ledger',
  up(db) {
    db.exec(`
      CREATE TABLE instruments (
        venue     TEXT NOT NULL,
        symbol    TEXT NOT NULL,
        kind      TEXT NOT NULL,
        tick_size TEXT NOT NULL,
        lot_size  TEXT NOT NULL,
        spec      TEXT NOT NULL,
        PRIMARY KEY (venue, symbol)
      ) STRICT;
      CREATE TABLE accounts (
        id         TEXT PRIMARY KEY,
        venue      TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('backtest', 'paper', 'live')),
        name       TEXT NOT NULL,
        currency   TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        data       TEXT NOT NULL
      ) STRICT;
      -- Prices in integer ticks, quantities in integer lots (STRICT INTEGER refuses fractional values).
      -- The engine's ids are unique per session, so the key is (session_id, client_order_id).
      CREATE TABLE orders (
        session_id      TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        account_id      TEXT NOT NULL,
        venue           TEXT NOT NULL,
        symbol          TEXT NOT NULL,
        side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        type            TEXT NOT NULL,
        state           TEXT NOT NULL,
        qty             INTEGER NOT NULL,
        price           INTEGER,
        trigger_price   INTEGER,
        filled_qty      INTEGER NOT NULL,
        filled_notional INTEGER NOT NULL,
        venue_order_id  TEXT,
        created_ts      INTEGER NOT NULL,
        updated_ts      INTEGER NOT NULL,
        version         INTEGER NOT NULL,
        data            TEXT NOT NULL,
        PRIMARY KEY (session_id, client_order_id)
      ) STRICT;
      CREATE INDEX orders_by_state ON orders (state);
      CREATE INDEX orders_by_account ON orders (account_id, created_ts);
      CREATE INDEX orders_by_venue_id ON orders (venue, venue_order_id);
      -- (venue, trade_id) is globally unique: the dedup key. fee is exact Money as a decimal string.
      CREATE TABLE fills (
        seq             INTEGER PRIMARY KEY,
        venue           TEXT NOT NULL,
        trade_id        TEXT NOT NULL,
        session_id      TEXT NOT NULL,
        account_id      TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        symbol          TEXT NOT NULL,
        side            TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        qty             INTEGER NOT NULL CHECK (qty > 0),
        price           INTEGER NOT NULL,
        fee             TEXT NOT NULL,
        fee_currency    TEXT NOT NULL,
        liquidity       TEXT NOT NULL,
        ts              INTEGER NOT NULL,
        venue_ts        INTEGER,
        UNIQUE (venue, trade_id)
      ) STRICT;
      CREATE INDEX fills_by_account ON fills (account_id, symbol, seq);
      CREATE INDEX fills_by_order ON fills (session_id, client_order_id);
      -- Running per-account snapshot written in the same transaction as each fill, so it can be checked
      -- against a rebuild from fills. cost = sum of signed qty x price (ticks x lots) as an exact decimal
      -- string; fees = canonical JSON {currency: decimal string}.
      CREATE TABLE positions (
        account_id    TEXT NOT NULL,
        symbol        TEXT NOT NULL,
        qty           INTEGER NOT NULL,
        cost          TEXT NOT NULL,
        fees          TEXT NOT NULL,
        fills         INTEGER NOT NULL,
        last_fill_seq INTEGER NOT NULL,
        PRIMARY KEY (account_id, symbol)
      ) STRICT;
      CREATE TABLE sessions (
        id          TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('backtest', 'paper', 'live')),
        account_id  TEXT,
        strategy_id TEXT,
        strategy_version INTEGER,
        status      TEXT NOT NULL,
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        data        TEXT NOT NULL
      ) STRICT;
      CREATE TABLE strategies (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        kind       TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        archived   INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE TABLE strategy_versions (
        strategy_id TEXT NOT NULL REFERENCES strategies(id),
        version     INTEGER NOT NULL CHECK (version >= 1),
        source      TEXT NOT NULL,
        hash        TEXT NOT NULL,
        note        TEXT,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (strategy_id, version)
      ) STRICT;
      CREATE TABLE backtest_results (
        id               TEXT PRIMARY KEY,
        strategy_id      TEXT,
        strategy_version INTEGER,
        session_id       TEXT,
        created_at       INTEGER NOT NULL,
        params           TEXT NOT NULL,
        stats            TEXT NOT NULL,
        equity           BLOB,
        result_hash      TEXT
      ) STRICT;
      CREATE INDEX backtests_by_strategy ON backtest_results (strategy_id, created_at);
    `);
  },
};
