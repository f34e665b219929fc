import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { need, openService, parseTime } from './market-args.ts';

export const exportCsv: CliCommand = {
  name: 'export',
  summary: 'Export stored candles (optionally aggregated, e.g. 1m → 1h) as CSV.',
  usage: 'kestrel export --source demo --symbol BTC/USDT [--timeframe 1h] [--from DATE] [--to DATE] [--timestamps ms|s|iso] [--no-header] [--out FILE] [--data-dir DIR]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      allowNegative: true,
      options: {
        source: { type: 'string' },
        symbol: { type: 'string' },
        timeframe: { type: 'string', default: '1m' },
        from: { type: 'string' },
        to: { type: 'string' },
        timestamps: { type: 'string', default: 'ms' },
        header: { type: 'boolean', default: true },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
      },
    });
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
