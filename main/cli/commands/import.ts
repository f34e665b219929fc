import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { iso, need, openService } from './market-args.ts';

export const importCsv: CliCommand = {
  name: 'import',
  summary: 'Import candles from a CSV file (ISO dates or epoch s/ms/µs/ns, header and index column detected); all rows or none.',
  usage: 'kestrel import FILE.csv --symbol BTC/USDT [--timeframe 1m] [--source csv:NAME] [--timestamps auto|ms|s|us|ns|iso] [--header|--no-header] [--data-dir DIR]',
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      options: {
        symbol: { type: 'string' },
        timeframe: { type: 'string', default: '1m' },
        source: { type: 'string' },
        timestamps: { type: 'string', default: 'auto' },
        header: { type: 'boolean' },
        'data-dir': { type: 'string' },
      },
    });
    const file = positionals[0];
    if (!file) throw new UsageError('which file? kestrel import FILE.csv --symbol ...');
    const ts = values.timestamps;
    if (ts !== 'auto' && ts !== 'ms' && ts !== 's' && ts !== 'us' && ts !== 'ns' && ts !== 'iso') throw new UsageError('--timestamps must be auto, ms, s, us, ns or iso');
    const key = { source: values.source ?? `csv:${basename(file).replace(/[^A-Za-z0-9_.-]/g, '_')}`, symbol: need(values.symbol, 'symbol'), timeframe: values.timeframe };
    const svc = openService(values['data-dir']);
    try {
      const r = svc.importCsvFile(key, file, { timestamps: ts, ...(values.header !== undefined ? { header: values.header } : {}) });
      console.log(`detected: ${r.detected}`);
      if (r.answeredByStore) console.log(`already imported: ${r.rows} candles in ${key.source} ${key.symbol} ${key.timeframe} (${iso(r.first)} → ${iso(r.last)}) are this file's, unchanged; nothing to do; sha256 ${r.contentHash}`);
      else console.log(`imported ${r.stored} candles into ${key.source} ${key.symbol} ${key.timeframe} (${iso(r.first)} → ${iso(r.last)}); ${r.duplicates} duplicate and ${r.outOfOrder} out-of-order rows fixed; sha256 ${r.contentHash}`);
      return 0;
    } finally {
      await svc.close();
    }
  },
};
