/**
 * `npm run bench -- data`: normalise + quality-check + store 1M one-minute candles (demo generator, 2
 * symbols × 347 days) through the real pipeline — prepareForStore (validation gate, sort/dedup) and the
 * columnar CandleStore upsert in one transaction per symbol — against a naive path in the same process:
 * per-row validation on objects and one INSERT per row into a row table (in one transaction).
 * Both stores are read back and compared before the ratio is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHash, generateDemoCandles, prepareForStore, rowReason, type OhlcvColumns } from '../../main/core/data/index.ts';
import { openMarket } from '../../main/storage/index.ts';
import { figure, interleaved, ratio } from './harness.ts';

const N_DAYS = Number(process.env.BENCH_DAYS ?? 347);
const data = generateDemoCandles({ days: N_DAYS, symbols: undefined }).entries();
const series: [string, OhlcvColumns][] = [...data].slice(0, 2);
const total = series.reduce((s, [, c]) => s + c.ts.length, 0);
const dir = mkdtempSync(join(tmpdir(), 'kestrel-bench-data-'));
const market = openMarket(join(dir, 'market.db'));
// The naive peer: a plain row table in the same database file, idempotent by primary key.
market.db.exec('CREATE TABLE IF NOT EXISTS naive_candles (symbol TEXT NOT NULL, ts INTEGER NOT NULL, open REAL, high REAL, low REAL, close REAL, volume REAL, PRIMARY KEY (symbol, ts)) WITHOUT ROWID');
const naiveInsert = market.db.prepare('INSERT OR REPLACE INTO naive_candles (symbol, ts, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)');
const naiveRows: { symbol: string; ts: number; open: number; high: number; low: number; close: number; volume: number }[][] = series.map(([symbol, c]) =>
  Array.from({ length: c.ts.length }, (_, i) => ({ symbol, ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! })),
);

let round = 0;
const ours = () => {
  const source = `bench-${round++}`;
  for (const [symbol, c] of series) {
    const { columns } = prepareForStore(c, 60_000);
    market.candles.upsert({ source, symbol, timeframe: '1m' }, columns);
  }
  return source;
};
const naive = () => {
  market.db.exec('DELETE FROM naive_candles');
  market.db.transaction(() => {
    for (const rows of naiveRows) {
      for (const r of rows) {
        if (rowReason(r.ts, r.open, r.high, r.low, r.close, r.volume, 60_000) !== undefined) throw new Error('bad row');
        naiveInsert.run(r.symbol, r.ts, r.open, r.high, r.low, r.close, r.volume);
      }
    }
  })();
  return 'naive';
};

const results = await interleaved([{ name: 'ours', run: ours }, { name: 'naive', run: naive }], { rounds: 7, warmup: 2 });
const o = results.get('ours')!;
const p = results.get('naive')!;
// Same content in both stores before any ratio is quoted.
const lastSource = o.last as string;
for (const [symbol, c] of series) {
  const a = market.candles.range({ source: lastSource, symbol, timeframe: '1m' });
  const rows = market.db.prepare('SELECT ts, open, high, low, close, volume FROM naive_candles WHERE symbol = ? ORDER BY ts').raw().all(symbol) as number[][];
  const b = { ts: Float64Array.from(rows, (r) => r[0]!), open: Float64Array.from(rows, (r) => r[1]!), high: Float64Array.from(rows, (r) => r[2]!), low: Float64Array.from(rows, (r) => r[3]!), close: Float64Array.from(rows, (r) => r[4]!), volume: Float64Array.from(rows, (r) => r[5]!) };
  if (contentHash(a) !== contentHash(c) || contentHash(b) !== contentHash(c)) throw new Error(`stores differ for ${symbol}`);
}
const oursRate = total / (o.medianMs / 1000);
const peerRate = total / (p.medianMs / 1000);
figure('data candles', total, 'candles per round');
figure('data ingest min', total / (o.minMs / 1000), 'candles/s (ours, best round)');
market.db.close();
rmSync(dir, { recursive: true, force: true });
ratio('data', 'naive row-by-row insert', oursRate, peerRate, 'candles/s', true);
