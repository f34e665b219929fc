import { generatedSymbols, startMockExchange, type MockExchange } from '../../venues/mock-exchange/index.ts';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { iso, need, openService, parseTime } from './market-args.ts';

function bar(done: number, total: number, width = 30): string {
  const f = total > 0 ? Math.min(1, done / total) : 1;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${(f * 100).toFixed(1).padStart(5)}%`;
}

function eta(ms: number | null): string {
  if (ms === null) return '--:--';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export const backfill: CliCommand = {
  name: 'backfill',
  summary: 'Download candles from an exchange (ccxt) into the local store; resumable, with a progress bar.',
  usage:
    'kestrel backfill --exchange binance --symbols BTC/USDT,ETH/USDT --timeframe 1m --from 2024-01-01 [--to 2024-04-01] [--source NAME] [--endpoint http://127.0.0.1:PORT | --mock] [--data-dir DIR]',
  options: {
    exchange: { type: 'string', default: 'binance', value: 'ID', help: 'ccxt exchange id' },
    symbols: { type: 'string', value: 'A/B,C/D', help: 'symbols, comma-separated; required' },
    timeframe: { type: 'string', default: '1m', value: 'TF', help: 'candle timeframe' },
    from: { type: 'string', value: 'DATE', help: 'start (YYYY-MM-DD[THH:MM] UTC or epoch ms); required' },
    to: { type: 'string', value: 'DATE', help: 'end', defaultHelp: 'now' },
    source: { type: 'string', value: 'NAME', help: 'dataset source name', defaultHelp: "the exchange id ('mock' with --endpoint/--mock)" },
    endpoint: { type: 'string', value: 'URL', help: 'REST endpoint override, e.g. http://127.0.0.1:PORT' },
    mock: { type: 'boolean', default: false, help: 'start the loopback mock exchange with generated data and download from it' },
    'page-limit': { type: 'string', value: 'N', help: 'candles per request', defaultHelp: "the exchange's" },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory' },
    quiet: { type: 'boolean', default: false, help: 'no progress bar' },
  },
  async run(argv) {
    const values = parseOptions(argv, backfill.options).values as { exchange: string; symbols?: string; timeframe: string; from?: string; to?: string; source?: string; endpoint?: string; mock: boolean; 'page-limit'?: string; 'data-dir'?: string; quiet: boolean };
    const symbols = need(values.symbols, 'symbols').split(',').map((s) => s.trim()).filter(Boolean);
    const from = parseTime(need(values.from, 'from'), 'from')!;
    const to = parseTime(values.to, 'to') ?? Date.now();
    if (!(to > from)) throw new UsageError('--to must be after --from');
    let endpoint = values.endpoint;
    if (endpoint && !/^https?:\/\/[^/]+$/.test(endpoint)) throw new UsageError('--endpoint must look like http://127.0.0.1:PORT');
    let mock: MockExchange | undefined;
    if (values.mock) {
      // The offline demo: a loopback Binance with generated data covering the range.
      const days = Math.ceil((to - from) / 86_400_000);
      mock = await startMockExchange({ symbols: generatedSymbols({ symbols, days, end: Math.ceil(to / 60_000) * 60_000 }) });
      endpoint = mock.baseUrl;
      console.error(`mock exchange (synthetic data) on ${endpoint}`);
    }
    const svc = openService(values['data-dir']);
    const tty = process.stderr.isTTY;
    let lastLine = 0;
    try {
      const job = svc.startBackfill(
        {
          symbols, timeframe: values.timeframe, from, to,
          source: values.source ?? (endpoint ? 'mock' : values.exchange),
          ...(values['page-limit'] ? { pageLimit: Number(values['page-limit']) } : {}),
          venue: { exchange: values.exchange, ...(endpoint ? { endpoints: { rest: endpoint }, rateLimit: { perSecond: 200, burst: 20 } } : {}) },
        },
        (e) => {
          if (values.quiet) return;
          const line = `${bar(e.done, e.total)} ${e.done}/${e.total} candles  ${Math.round(e.rate)}/s  ETA ${eta(e.etaMs)}  stored ${e.stored}`;
          if (tty) process.stderr.write(`\r${line}`);
          else if (performance.now() - lastLine > 1000 || e.state !== 'running') {
            lastLine = performance.now();
            process.stderr.write(`${line}\n`);
          }
        },
      );
      const stop = () => job.cancel();
      process.once('SIGINT', stop);
      const r = await job.result;
      process.off('SIGINT', stop);
      if (tty && !values.quiet) process.stderr.write('\n');
      for (const s of r.symbols) console.log(`${s.symbol.padEnd(12)} ${s.state.padEnd(9)} ${s.done}/${s.total}${s.error ? `  ${s.error}` : ''}`);
      console.log(`${r.state}: ${r.stored} candles stored this run, ${iso(from)} → ${iso(to)}`);
      return r.state === 'done' ? 0 : r.state === 'cancelled' ? 130 : 1;
    } finally {
      await svc.close();
      await mock?.close();
    }
  },
};
