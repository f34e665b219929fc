/**
 * The 1M-candle CSV the CLI/ingest benches read: generated (seeded demo generator, one-minute bars, the
 * exporter's own format), written once under the OS temp dir, never committed. `node test/bench/csv-fixture.ts`
 * prints its path.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoCandles } from '../../main/core/data/demo.ts';
import { serialiseCandlesCsv } from '../../main/core/data/csv.ts';
import { sliceColumns, type OhlcvColumns } from '../../main/core/data/candles.ts';

export const BENCH_SYMBOL = 'BTC/USDT';

export function benchCandles(n: number): OhlcvColumns {
  const demo = generateDemoCandles({ seed: 42, days: Math.ceil(n / 1440), symbols: [{ symbol: BENCH_SYMBOL, start: 42_000, priceDecimals: 2, qtyDecimals: 5, rho: 0.9, volScale: 1, volume: 25 }] });
  return sliceColumns(demo.get(BENCH_SYMBOL)!, 0, n);
}

/** Path of a CSV of `n` one-minute candles (ms timestamps, header), generated on first use. */
export function benchCsv(n = 1_000_000): string {
  const dir = join(tmpdir(), 'kestrel-bench');
  const file = join(dir, `ohlcv-1m-${n}.csv`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${file}.part`, serialiseCandlesCsv(benchCandles(n)));
    // rename is atomic: a reader never sees half a file
    renameSync(`${file}.part`, file);
  }
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(benchCsv(Number(process.argv[2] ?? 1_000_000)));
