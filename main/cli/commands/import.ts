import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseOptions, UsageError, type CliCommand } from '../command.ts';
import { iso, need, openService } from './market-args.ts';

export const importCsv: CliCommand = {
  name: 'import',
  summary: 'Import candles from a CSV file (ms, s or ISO timestamps; header optional); all rows or none.',
  usage: 'kestrel import FILE.csv --symbol BTC/USDT [--timeframe 1m] [--source csv:NAME] [--timestamps auto|ms|s|iso] [--header|--no-header] [--data-dir DIR]',
  options: {
    symbol: { type: 'string', value: 'BASE/QUOTE', help: 'symbol; required' },
    timeframe: { type: 'string', default: '1m', value: 'TF', help: 'timeframe of the rows' },
    source: { type: 'string', value: 'NAME', help: 'dataset source name', defaultHelp: 'csv:FILE' },
    timestamps: { type: 'string', default: 'auto', value: 'auto|ms|s|iso', help: 'timestamp format' },
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
    if (ts !== 'auto' && ts !== 'ms' && ts !== 's' && ts !== 'iso') throw new UsageError('--timestamps must be auto, ms, s or iso');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
    const svc = openService(values['data-dir']);
    try {
      const key = { source: values.source ?? `csv:${basename(file).replace(/[^A-Za-z0-9_.-]/g, '_')}`, symbol: need(values.symbol, 'symbol'), timeframe: values.timeframe };
      const r = svc.importCsv(key, text, { timestamps: ts, ...(values.header !== undefined ? { header: values.header } : {}) });
      console.log(`imported ${r.stored} candles into ${key.source} ${key.symbol} ${key.timeframe} (${iso(r.first)} → ${iso(r.last)}); ${r.duplicates} duplicate and ${r.outOfOrder} out-of-order rows fixed; sha256 ${r.contentHash}`);
      return 0;
    } finally {
      await svc.close();
    }
  },
};
