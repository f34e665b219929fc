/** Shared option handling for the market-data CLI commands. */
import { join } from 'node:path';
import { defaultDataDir } from '../../host/paths.ts';
import { MarketService } from '../../host/data/market-service.ts';
import { UsageError } from '../command.ts';

/** `2024-01-01`, `2024-01-01T12:00Z` or epoch ms. */
export function parseTime(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (/^\d{10,13}$/.test(v)) return Number(v);
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v}Z`);
  if (Number.isNaN(t)) throw new UsageError(`--${name}: cannot read "${v}" as a date (YYYY-MM-DD[THH:MM]) or epoch ms`);
  return t;
}

export function need(v: string | undefined, name: string): string {
  if (!v) throw new UsageError(`--${name} is required`);
  return v;
}

export function openService(dataDir: string | undefined): MarketService {
  return MarketService.open(join(dataDir ?? defaultDataDir(), 'market.db'));
}

export function iso(ts: number | null): string {
  return ts === null ? '-' : new Date(ts).toISOString().replace('.000Z', 'Z');
}
