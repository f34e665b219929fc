import type { Migration } from '../../migrate.ts';
import { ledger0001 } from './0001-ledger.ts';
import { ledger0002 } from './0002-audit.ts';
import { ledger0003 } from './0003-audit-tree-heads.ts';
import { ledger0004 } from './0004-account-owner.ts';
import { ledger0005 } from './0005-funding.ts';
import { ledger0006 } from './0006-equity-history.ts';

/** In order; append only — never edit a released migration, add the next number instead. */
export const ledgerMigrations: readonly Migration[] = [ledger0001, ledger0002, ledger0003, ledger0004, ledger0005, ledger0006];
