/**
 * `kestrel indicators --input candles.csv --indicator rsi:14 [--indicator bb:20:2 ...] [--format csv|json]
 * [--output FILE]`: computes registry indicators over a candle CSV (main/core/data's reader: ms/s/ISO
 * timestamps, header aliases) and writes one column per indicator output. Not-ready values are empty cells in
 * CSV and null in JSON. `--list` prints the available indicators with their defaults.
 */
import { writeFileSync } from 'node:fs';
import { readCandlesCsvFile } from '../../host/data/csv-file.ts';
import { computeIndicator, listIndicators, parseIndicatorSpec } from '../../core/indicators/index.ts';
import { parseOptions, type CliCommand, UsageError } from '../command.ts';

interface Column {
  readonly name: string;
  readonly values: ArrayLike<number>;
}

function render(ts: Float64Array, cols: readonly Column[], format: 'csv' | 'json'): string {
  if (format === 'json') {
    const series: Record<string, (number | null)[]> = {};
    for (const c of cols) series[c.name] = Array.from(c.values, (v) => (Number.isNaN(v) ? null : v));
    return `${JSON.stringify({ rows: ts.length, ts: Array.from(ts), series })}\n`;
  }
  const lines = [['ts', ...cols.map((c) => c.name)].join(',')];
  for (let i = 0; i < ts.length; i++) {
    const row = [String(ts[i])];
    for (const c of cols) {
      const v = c.values[i]!;
      row.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export const indicators: CliCommand = {
  name: 'indicators',
  summary: 'Compute indicators (rsi:14, bb:20:2, macd:12:26:9, ...) over a candle CSV; CSV or JSON out.',
  usage: 'kestrel indicators --input candles.csv --indicator rsi:14 [--indicator ...] [--format csv|json] [--output FILE] | --list',
  options: {
    input: { type: 'string', short: 'i', value: 'FILE.csv', help: 'candles CSV; required' },
    indicator: { type: 'string', multiple: true, short: 'n', value: 'SPEC', help: 'indicator spec, e.g. rsi:14, bb:20:2; at least one' },
    format: { type: 'string', default: 'csv', value: 'csv|json', help: 'output format' },
    output: { type: 'string', short: 'o', value: 'FILE', help: 'write here', defaultHelp: 'stdout' },
    list: { type: 'boolean', default: false, help: 'list the available indicators with their defaults' },
  },
  async run(argv) {
    const values = parseOptions(argv, indicators.options).values as { input?: string; indicator?: string[]; format: string; output?: string; list: boolean };
    if (values.list) {
      for (const d of listIndicators()) {
        const params = Object.entries(d.defaults).map(([k, v]) => `${k}=${v}`).join(' ');
        console.log(`${d.name.padEnd(11)} ${d.title} — ${params || 'no parameters'} → ${d.outputs.join(', ')}`);
      }
      return 0;
    }
    if (!values.input) throw new UsageError('--input is required');
    if (!values.indicator?.length) throw new UsageError('give at least one --indicator, e.g. --indicator rsi:14 (see --list)');
    if (values.format !== 'csv' && values.format !== 'json') throw new UsageError(`--format must be csv or json, got ${values.format}`);
    // Parse every spec before reading the file, so a typo fails fast.
    const specs = values.indicator.map((s) => parseIndicatorSpec(s));
    const { columns } = readCandlesCsvFile(values.input);
    const cols: Column[] = [];
    for (const spec of specs) {
      const r = computeIndicator(spec, columns);
      const outs = Object.entries(r.outputs);
      for (const [name, series] of outs) cols.push({ name: outs.length === 1 ? r.key : `${r.key}.${name}`, values: series });
    }
    const out = render(columns.ts, cols, values.format);
    if (values.output) writeFileSync(values.output, out);
    else process.stdout.write(out);
    return 0;
  },
};
