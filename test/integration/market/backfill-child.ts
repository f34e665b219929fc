/** Child process for the kill test: backfills from the mock at argv[2] into the market db at argv[3], printing progress. */
import { openMarket } from '../../../main/storage/index.ts';
import { CcxtVenue } from '../../../main/venues/ccxt/index.ts';
import { startBackfill } from '../../../main/host/data/backfill.ts';

const [rest, file, symbols, from, to] = process.argv.slice(2) as [string, string, string, string, string];
const m = openMarket(file);
const venue = new CcxtVenue({ exchange: 'binance', endpoints: { rest }, rateLimit: { perSecond: 1000, burst: 50 }, retry: { baseMs: 5, maxMs: 50, attempts: 20 } });
const job = startBackfill({ source: 'binance', symbols: symbols.split(','), timeframe: '1m', from: Number(from), to: Number(to) }, {
  venue, candles: m.candles, progress: m.backfill, progressEveryMs: 0,
  onProgress: (e) => process.stdout.write(`${e.done}\n`),
});
await job.result;
