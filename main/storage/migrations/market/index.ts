import type { Migration } from '../../migrate.ts';
import { market0001 } from './0001-candles.ts';
import { market0002 } from './0002-trades-backfill.ts';

/** In order; append only — never edit a released migration, add the next number instead. */
export const marketMigrations: readonly Migration[] = [market0001, market0002];
