/**
 * Candle CSV: reading is the streaming columnar parser (csv-parser.ts, formats in csv-format.ts); writing is
 * here. What the writer emits, the parser reads back bit-exactly.
 */
import type { OhlcvColumns } from './candles.ts';
import type { TimestampUnit } from './csv-format.ts';

export { CandleCsvParser, describeDetected, parseCandlesCsv, parseCandlesCsvBytes, type CsvDetected, type CsvParseOptions, type CsvParseResult } from './csv-parser.ts';
export type { TimestampFormat, TimestampUnit } from './csv-format.ts';

export interface CsvWriteOptions {
  readonly timestamps?: Extract<TimestampUnit, 'ms' | 's' | 'iso'>;
  readonly header?: boolean;
  /** Lines written first as `# ...` (e.g. the synthetic-data label). */
  readonly comments?: readonly string[];
}

export function serialiseCandlesCsv(c: OhlcvColumns, opts: CsvWriteOptions = {}): string {
  const fmt = opts.timestamps ?? 'ms';
  const withSyn = c.synthetic !== undefined && c.synthetic.some((x) => x !== 0);
  const parts: string[] = [];
  for (const line of opts.comments ?? []) parts.push(`# ${line.replace(/[\r\n]+/g, ' ')}`);
  if (opts.header ?? true) parts.push(`timestamp,open,high,low,close,volume${withSyn ? ',synthetic' : ''}`);
  for (let i = 0; i < c.ts.length; i++) {
    const t = c.ts[i]!;
    const ts = fmt === 'ms' ? String(t) : fmt === 's' ? String(t / 1000) : new Date(t).toISOString();
    // String(x) is the shortest round-trip form, so export → import is bit-exact.
    let row = `${ts},${c.open[i]},${c.high[i]},${c.low[i]},${c.close[i]},${c.volume[i]}`;
    if (withSyn) row += `,${c.synthetic![i]}`;
    parts.push(row);
  }
  return parts.join('\n') + '\n';
}
