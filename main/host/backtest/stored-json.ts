/**
 * The stored form of a backtest result without its curves, as JSON text. Canonical JSON (sorted keys, values
 * checked) of 20k trade rows cost several times a run's own assembly; the rows are plain flat objects from
 * one constructor, so they are written by JSON.stringify and spliced in as the last key ("trades" sorts
 * after every other top-level key). Everything else stays canonical (it is what the determinism hash
 * covers, already proven finite there). Parsing the text gives the same value as parsing canonicalJson(r).
 */
import { canonicalJson } from '../../core/audit/canonical.ts';
import type { BacktestResult } from '../../core/backtest/result.ts';

const TAIL = ',"trades":[]}';

export function storedResultJson(r: Omit<BacktestResult, 'equity'>): string {
  const head = canonicalJson({ ...r, trades: [] });
  if (r.trades.length === 0) return head;
  // A top-level key sorting after "trades" (none today) would move the tail: then canonical JSON whole.
  if (!head.endsWith(TAIL)) return canonicalJson(r);
  return `${head.slice(0, -TAIL.length)},"trades":${JSON.stringify(r.trades)}}`;
}
