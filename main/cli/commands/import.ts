import { basename } from 'node:path';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { iso, need, openService } from './market-args.ts';

export const importCsv: CliCommand = {
  name: 'import',
  summary: 'Import candles from a CSV file (ISO dates or epoch s/ms/µs/ns, header and index column detected); all rows or none.',
  usage: 'kestrel import FILE.csv --symbol BTC/USDT [--timeframe 1m] [--source csv:NAME] [--timestamps auto|ms|s|us|ns|iso] [--header|--no-header] [--data-dir DIR]',
  options: {
    symbol: { type: 'string', value: 'BASE/QUOTE', help: 'symbol; required' },
    timeframe: { type: 'string', default: '1m', value: 'TF', help: 'timeframe of the rows' },
    source: { type: 'string', value: 'NAME', help: 'dataset source name', defaultHelp: 'csv:FILE' },
    timestamps: { type: 'string', default: 'auto', value: 'auto|ms|s|us|ns|iso', help: 'timestamp format' },
    header: { type: 'boolean', help: 'the first row is a header (--no-header: it is data)', defaultHelp: 'detected' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const parsed = parseOptions(argv, importCsv.options, { allowPositionals: true, allowNegative: true });
    const positionals = parsed.positionals;
    const values = parsed.values as { symbol?: string; timeframe: string; source?: string; timestamps: string; header?: boolean; 'data-dir'?: string };
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
