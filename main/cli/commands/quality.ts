import { parseArgs } from 'node:util';
import type { CliCommand } from '../command.ts';
import { iso, openService } from './market-args.ts';

export const quality: CliCommand = {
  name: 'quality',
  summary: 'Data-quality report of stored candles (gaps, duplicates, outliers, invalid rows, content hash).',
  usage: 'kestrel quality [--source S --symbol X [--timeframe 1m] [--threshold 10] [--json]] [--data-dir DIR]   (no dataset: all datasets)',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        source: { type: 'string' },
        symbol: { type: 'string' },
        timeframe: { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'boolean', default: false },
        'data-dir': { type: 'string' },
      },
    });
    const svc = openService(values['data-dir']);
    try {
      const keys = svc.datasets().filter((d) => (!values.source || d.source === values.source) && (!values.symbol || d.symbol === values.symbol) && (!values.timeframe || d.timeframe === values.timeframe));
      if (keys.length === 0) {
        console.error('no matching dataset');
        return 1;
      }
      let bad = 0;
      for (const k of keys) {
        const r = svc.quality(k, values.threshold ? { threshold: Number(values.threshold) } : {});
        // Gaps and outliers are facts about the market to report; invalid or duplicated rows are defects.
        if (r.rejected.count || r.duplicates || r.outOfOrder) bad++;
        if (values.json) {
          console.log(JSON.stringify({ source: k.source, symbol: k.symbol, timeframe: k.timeframe, ...r }));
          continue;
        }
        console.log(`${k.source} ${k.symbol} ${k.timeframe}${r.synthetic ? `  [${r.label}]` : ''}`);
        console.log(`  rows ${r.count} of ${r.expected} expected (${(r.coverage * 100).toFixed(2)}%), ${iso(r.first)} → ${iso(r.last)}`);
        console.log(`  gaps ${r.gaps.count} (${r.gaps.missing} candles missing)  duplicates ${r.duplicates}  out-of-order ${r.outOfOrder}  invalid ${r.rejected.count}`);
        console.log(`  outliers ${r.outliers.count} (|robust z| > ${r.outliers.threshold})${r.outliers.list.slice(0, 3).map((o) => `  ${iso(o.ts)} z=${o.z.toFixed(1)}`).join('')}`);
        console.log(`  sha256 ${r.contentHash}  ${r.ok ? 'OK' : 'ISSUES'}`);
      }
      return bad ? 1 : 0;
    } finally {
      await svc.close();
    }
  },
};
