import { TradingCalendar, type CalendarInput } from '../../core/data/calendar.ts';
import { parseOptions, type CliCommand } from '../command.ts';
import { calendarArg } from './backtest-shared.ts';
import { iso, openService } from './market-args.ts';

export const quality: CliCommand = {
  name: 'quality',
  summary: 'Data-quality report of stored candles (gaps, duplicates, outliers, invalid rows, content hash).',
  usage: 'kestrel quality [--source S] [--symbol X] [--timeframe TF] [--calendar 24/7|weekdays|FILE.json] [--threshold Z] [--json] [--data-dir DIR]',
  options: {
    source: { type: 'string', value: 'NAME', help: 'only datasets of this source', defaultHelp: 'all' },
    symbol: { type: 'string', value: 'BASE/QUOTE', help: 'only datasets of this symbol', defaultHelp: 'all' },
    timeframe: { type: 'string', value: 'TF', help: 'only datasets of this timeframe', defaultHelp: 'all' },
    calendar: { type: 'string', default: '24/7', value: '24/7|weekdays|FILE.json', help: 'when the market trades: closed days and hours are not gaps' },
    threshold: { type: 'string', default: '10', value: 'Z', help: 'outlier threshold (robust z-score of returns)' },
    json: { type: 'boolean', default: false, help: 'one JSON line per dataset' },
    'data-dir': { type: 'string', value: 'DIR', help: 'the data directory', defaultHelp: 'the app data directory' },
  },
  async run(argv) {
    const values = parseOptions(argv, quality.options).values as { source?: string; symbol?: string; timeframe?: string; calendar: string; threshold: string; json: boolean; 'data-dir'?: string };
    const calendar = TradingCalendar.of(calendarArg(values.calendar) as CalendarInput);
    const svc = openService(values['data-dir']);
    try {
      const keys = svc.datasets().filter((d) => (!values.source || d.source === values.source) && (!values.symbol || d.symbol === values.symbol) && (!values.timeframe || d.timeframe === values.timeframe));
      if (keys.length === 0) {
        console.error('no matching dataset');
        return 1;
      }
      let bad = 0;
      for (const k of keys) {
        const r = svc.quality(k, { threshold: Number(values.threshold), ...(calendar.alwaysOpen ? {} : { calendar }) });
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
