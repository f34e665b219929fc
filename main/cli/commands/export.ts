import { writeFileSync } from 'node:fs';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { need, openService, parseTime } from './market-args.ts';

export const exportCsv: CliCommand = {
  name: 'export',
  summary: 'Export stored candles (optionally aggregated, e.g. 1m → 1h) as CSV.',
  usage: 'kestrel export --source demo --symbol BTC/USDT [--timeframe 1h] [--from DATE] [--to DATE] [--timestamps ms|s|iso] [--no-header] [--out FILE] [--data-dir DIR]',
  options: {
    source: { type: 'string', value: 'NAME', help: 'dataset source; required' },
    symbol: { type: 'string', value: 'BASE/QUOTE', help: 'symbol; required' },
    timeframe: { type: 'string', default: '1m', value: 'TF', help: 'timeframe (aggregated from 1m when not stored)' },
    from: { type: 'string', value: 'DATE', help: 'from (YYYY-MM-DD[THH:MM] UTC or epoch ms)', defaultHelp: 'the first candle' },
    to: { type: 'string', value: 'DATE', help: 'to', defaultHelp: 'the last candle' },
    timestamps: { type: 'string', default: 'ms', value: 'ms|s|iso', help: 'timestamp format' },
    header: { type: 'boolean', default: true, help: 'write a header row (--no-header: none)' },
    out: { type: 'string', value: 'FILE', help: 'write here', defaultHelp: 'stdout' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const values = parseOptions(argv, exportCsv.options, { allowNegative: true }).values as { source?: string; symbol?: string; timeframe: string; from?: string; to?: string; timestamps: string; header: boolean; out?: string; 'data-dir'?: string };
    const ts = values.timestamps;
    if (ts !== 'ms' && ts !== 's' && ts !== 'iso') throw new UsageError('--timestamps must be ms, s or iso');
    const svc = openService(values['data-dir']);
    try {
      const from = parseTime(values.from, 'from');
      const to = parseTime(values.to, 'to');
      const { csv, rows } = svc.exportCsv({
        source: need(values.source, 'source'), symbol: need(values.symbol, 'symbol'), timeframe: values.timeframe, timestamps: ts, header: values.header,
        ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}),
      });
      if (values.out) {
        writeFileSync(values.out, csv);
        console.error(`wrote ${rows} candles to ${values.out}`);
      } else process.stdout.write(csv);
      return 0;
    } finally {
      await svc.close();
    }
  },
};
