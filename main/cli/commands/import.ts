import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { iso, need, openService } from './market-args.ts';

export const importCsv: CliCommand = {
  name: 'import',
  summary: 'Import candles from a CSV file (ms, s or ISO timestamps; header optional); all rows or none.',
  usage: 'kestrel import FILE.csv --symbol BTC/USDT [--timeframe 1m] [--source csv:NAME] [--timestamps auto|ms|s|iso] [--header|--no-header] [--data-dir DIR]',
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
