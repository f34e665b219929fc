/**
 * Reads the StockCharts worked-example files (bukosabino/ta test data) from ../shared/data/indicators/stockcharts
 * relative to the repository root. That data is NOT committed here (licence and house rule); when it is absent
 * the comparison suite is skipped with a message saying so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Where the shared data may be: KESTREL_SHARED_DATA, beside this checkout, or the workplace's shared folder
// (CI clones the repository elsewhere).
const candidates = [
  ...(process.env.KESTREL_SHARED_DATA ? [join(process.env.KESTREL_SHARED_DATA, 'indicators/stockcharts/data/')] : []),
  fileURLToPath(new URL('../../../../shared/data/indicators/stockcharts/data/', import.meta.url)),
  '/work/shared/data/indicators/stockcharts/data/',
];
export const STOCKCHARTS_DIR = candidates.find((d) => existsSync(d)) ?? candidates[0]!;
export const haveStockcharts = existsSync(STOCKCHARTS_DIR);

export interface Reference {
  readonly rows: number;
  col(name: string): Float64Array;
  /** Half a unit of the last printed digit of each cell: the rounding the file itself carries. */
  rounding(name: string): Float64Array;
}

/** Columns by header name; empty cells are NaN. */
export function readReference(file: string): Reference {
  const lines = readFileSync(STOCKCHARTS_DIR + file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const rows = lines.slice(1).map((l) => l.split(','));
  const cols = new Map<string, Float64Array>();
  const round = new Map<string, Float64Array>();
  header.forEach((h, j) => {
    if (!h || cols.has(h)) return;
    const col = new Float64Array(rows.length);
    const rnd = new Float64Array(rows.length);
    rows.forEach((r, i) => {
      const cell = (r[j] ?? '').trim();
      col[i] = cell === '' ? NaN : Number(cell);
      const dot = cell.indexOf('.');
      rnd[i] = 0.5 * 10 ** -(dot < 0 ? 0 : cell.length - dot - 1);
    });
    cols.set(h, col);
    round.set(h, rnd);
  });
  const get = <T>(m: Map<string, T>, name: string): T => {
    const v = m.get(name);
    if (!v) throw new Error(`${file} has no column ${name} (has ${[...m.keys()].join(', ')})`);
    return v;
  };
  return { rows: rows.length, col: (n) => get(cols, n), rounding: (n) => get(round, n) };
}
