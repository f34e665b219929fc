import type { Migration } from '../../migrate.ts';
import { market0001 } from './0001-candles.ts';
import { market0002 } from './0002-trades-backfill.ts';
import { market0003 } from './0003-csv-imports.ts';
import { market0004 } from './0004-candle-tail.ts';

/** In order; append only — never edit a released migration, add the next number instead. */
export const marketMigrations: readonly Migration[] = [market0001, market0002, market0003, market0004];
