/**
 * Kestrel's local storage, composed: `openStores(dataDir)` opens (creating or migrating) the two
 * databases and returns their repositories. The host owns the result and closes it on shutdown.
 *
 *   market.db  candles (columnar chunks), trades, backfill progress   WAL, synchronous=NORMAL
 *              (a power cut may lose the last market writes, which a re-download restores)
 *   ledger.db  instruments, accounts, orders, fills, positions, sessions, strategies, backtests,
 *              audit log                                               WAL, synchronous=NORMAL + group fsync
 *              (a commit that returned survives a process kill; a power cut takes at most the commits of
 *              the last ~fsync, and a live send waits for it in `disk` durability: README.md)
 */
import { join } from 'node:path';
import type { AuditSink, Store } from '../core/ports.ts';
import { AuditLog } from './audit-log.ts';
import { CandleStore } from './candles.ts';
import { Catalog } from './catalog.ts';
import { backupDatabase, integrityCheck, openDatabase, type DatabaseSpec, type OpenDatabaseOptions } from './db.ts';
import { Ledger, type LedgerDurability, type LedgerScope } from './ledger.ts';
import { WalSync } from './wal-sync.ts';
import { BackfillProgress, TradeStore } from './market-extra.ts';
import { CsvImports } from './csv-imports.ts';
import { EquityHistory } from './equity-history.ts';
import { ledgerMigrations } from './migrations/ledger/index.ts';
import { marketMigrations } from './migrations/market/index.ts';
import type { SqliteDb } from './sqlite.ts';

export const MARKET_DB: DatabaseSpec = { label: 'market', applicationId: 0x4b53_4d4b, synchronous: 'NORMAL', migrations: marketMigrations, pageSize: 16384 };
export const LEDGER_DB: DatabaseSpec = { label: 'ledger', applicationId: 0x4b53_4c47, synchronous: 'NORMAL', migrations: ledgerMigrations };

export function databasePaths(dataDir: string): { market: string; ledger: string } {
  return { market: join(dataDir, 'market.db'), ledger: join(dataDir, 'ledger.db') };
}

export interface MarketStores {
  readonly db: SqliteDb;
  readonly candles: CandleStore;
  readonly trades: TradeStore;
  readonly backfill: BackfillProgress;
  readonly csvImports: CsvImports;
}

export interface LedgerStores {
  readonly db: SqliteDb;
  /** Orders, fills, positions; `ledger.storeFor({accountId, sessionId})` is the engine's Store port. */
  readonly ledger: Ledger;
  /** Instruments, accounts, sessions, strategies + versions, backtest results. */
  readonly catalog: Catalog;
  /** Hash-chained, append-only; also the engine's AuditSink port. */
  readonly audit: AuditLog;
  /** Equity samples per book and the strategy attribution of orders (equity-history.ts). */
  readonly equity: EquityHistory;
  /** The group fsync of the WAL (absent read-only or in memory); the host hands its errors to the log. */
  readonly wal: WalSync | undefined;
}

export interface Stores {
  readonly paths: { market: string; ledger: string };
  readonly market: MarketStores;
  readonly ledger: LedgerStores;
  /** The engine's Store port for one account + session (orders/fills go to the ledger). */
  storeFor(scope: LedgerScope): Store;
  /** The engine's AuditSink port. */
  readonly auditSink: AuditSink;
  /** Online backup of both databases into `dir` through SQLite's backup API. */
  backup(dir: string): Promise<{ market: string; ledger: string }>;
  /** `PRAGMA integrity_check` of both ('ok' lists when healthy). */
  integrityCheck(): { market: string[]; ledger: string[] };
  close(): void;
}

export interface LedgerOpenOptions extends OpenDatabaseOptions {
  /** When a live send may go: after the intent's commit (`process`, default) or its group fsync (`disk`). */
  readonly durability?: LedgerDurability;
}

export interface OpenStoresOptions {
  readonly market?: OpenDatabaseOptions;
  readonly ledger?: LedgerOpenOptions;
  /** Clock for audit entries appended without a timestamp. */
  readonly clock?: () => number;
}

export function openMarket(file: string, opts?: OpenDatabaseOptions): MarketStores {
  const db = openDatabase(MARKET_DB, file, opts);
  return { db, candles: new CandleStore(db), trades: new TradeStore(db), backfill: new BackfillProgress(db), csvImports: new CsvImports(db) };
}

export function openLedger(file: string, opts?: LedgerOpenOptions, clock?: () => number): LedgerStores {
  const db = openDatabase(LEDGER_DB, file, opts);
  const sync = opts?.readonly || db.memory ? undefined : new WalSync(file);
  sync?.every(1000, () => db.open);
  return { db, ledger: new Ledger(db, sync, opts?.durability), catalog: new Catalog(db), audit: new AuditLog(db, clock), equity: new EquityHistory(db), wal: sync };
}

export function openStores(dataDir: string, opts: OpenStoresOptions = {}): Stores {
  const paths = databasePaths(dataDir);
  const ledger = openLedger(paths.ledger, opts.ledger, opts.clock);
  let market: MarketStores;
  try {
    market = openMarket(paths.market, opts.market);
  } catch (e) {
    ledger.db.close();
    throw e;
  }
  return {
    paths,
    market,
    ledger,
    storeFor: (scope) => ledger.ledger.storeFor(scope),
    auditSink: ledger.audit,
    async backup(dir) {
      const out = databasePaths(dir);
      await backupDatabase(ledger.db, out.ledger);
      await backupDatabase(market.db, out.market);
      return out;
    },
    integrityCheck: () => ({ market: integrityCheck(market.db), ledger: integrityCheck(ledger.db) }),
    close() {
      if (market.db.open) market.db.close();
      if (ledger.db.open) ledger.db.close();
    },
  };
}

export { AuditLog } from './audit-log.ts';
export { CandleStore, CHUNK_CANDLES, TAIL_FOLD, timeframeMs, type CandleColumns, type CandleColumnsInput, type CandleKey, type DatasetInfo, type StoredCandles } from './candles.ts';
export { EquityHistory, THIN_POLICY, type AttributedFill, type EquitySample, type SampleReason, type ThinPolicy } from './equity-history.ts';
export { Catalog, type AccountRecord, type BacktestRecord, type SessionRecord, type StrategyRecord, type StrategyVersion } from './catalog.ts';
export { integrityCheck, type OpenDatabaseOptions } from './db.ts';
export { WalSync } from './wal-sync.ts';
export { BackgroundCheckpoints } from './checkpointer.ts';
export { Ledger, type LedgerDurability, type LedgerScope, type StoreOptions, type PositionCheck, type PositionRow, type StoredFill, type StoredFunding, type StoredOrder } from './ledger.ts';
export { BackfillProgress, TradeStore, type BackfillState, type BackfillStatus, type StoredTrade } from './market-extra.ts';
