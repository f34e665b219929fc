/**
 * `kestrel backtest --strategy FILE(.json|.ts|.js) --symbol BASE/QUOTE [--data FILE.csv | --demo DAYS | --source S]
 * [options]`: every option is in COMMON_OPTIONS (backtest-shared.ts) or below, and in `--help`.
 * Rules documents run in this process; code strategies in a sandboxed, limited worker. Exit code 0 when the
 * run completed, 1 when the strategy failed (partial results are still printed / written).
 */
import { statSync, writeFileSync } from 'node:fs';
import type { BacktestResult } from '../../core/backtest/result.ts';
import type { Certifier } from '../../../workers/backtest/certifier.ts';
import { parseOptions, type CliCommand, UsageError } from '../command.ts';
import { trace } from '../trace.ts';
import { assumedLine, COMMON_OPTIONS, configFrom, loadCandles, parseParams, readStrategy, type Assumed, type CommonValues } from './backtest-shared.ts';

function days(ms: number): string {
  return ms >= 86_400_000 ? `${+(ms / 86_400_000).toFixed(2)} days` : `${+(ms / 3_600_000).toFixed(2)} hours`;
}

function summary(r: BacktestResult): string {
  const s = r.stats;
  const p = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
  const n = (v: number | null): string => (v === null ? '—' : v.toFixed(2));
  return [
    `${r.strategy.name} (${r.strategy.kind} ${r.strategy.version.slice(0, 12)}) on ${r.config.symbols.join(', ')} ${r.config.timeframe}: ${s.bars} bars — ${r.status}${r.error ? `: ${r.error.message} (bar ${r.error.bar})` : ''}`,
    `net profit ${s.netProfit} ${r.config.currency} (${p(s.netProfitPct)})  CAGR ${p(s.cagr)}  Sharpe ${n(s.sharpe)}  Sortino ${n(s.sortino)}  Calmar ${n(s.calmar)}`,
    `max drawdown ${p(s.maxDrawdown)} over ${s.maxDrawdownDurationBars} bars (${days(s.maxDrawdownDurationMs)})  trades ${s.trades}  win rate ${p(s.winRate)}  profit factor ${n(s.profitFactor)}  expectancy ${n(s.expectancy)}  SQN ${n(s.sqn)}  exposure ${p(s.exposure)}`,
    `avg trade ${n(s.avgTrade)}  best ${n(s.bestTrade)}  worst ${n(s.worstTrade)}  fees ${s.fees}`,
    `data ${r.certificate.datasets.map((d) => `${d.symbol}: ${d.count} candles, ${d.gaps.missing} missing, hash ${d.contentHash.slice(0, 16)}`).join('; ')}${r.certificate.ok ? '' : ' (quality issues)'}`,
    `determinism hash ${r.determinismHash}`,
  ].join('\n');
}

/** `--curve-points N|all`: the most curve points the JSON carries (see host/reports/result-json.ts). */
function curvePointsArg(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (s === 'all') return Infinity;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 10) throw new UsageError(`--curve-points must be an integer ≥ 10 or "all", got ${s}`);
  return n;
}

/**
 * From this many candles a rules run certifies them on a second thread while it simulates (certifier.ts);
 * below it the thread's start costs more than it saves. A CSV file this large starts the thread before it
 * is read (~40 bytes a row or more).
 */
const CERTIFY_ASIDE_ROWS = 100_000;
const CERTIFY_ASIDE_CSV_BYTES = CERTIFY_ASIDE_ROWS * 40;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Chunks gathered into ~1 MB writes: a long result is neither one giant string nor thousands of tiny writes. */
function bufferedStdout(): { write: (s: string) => void; end: (s: string) => void } {
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (parts.length) process.stdout.write(parts.join(''));
    parts = [];
    size = 0;
  };
  return {
    write: (s) => {
      parts.push(s);
      size += s.length;
      if (size >= 1 << 20) flush();
    },
    end: (s) => {
      parts.push(s);
      flush();
    },
  };
}

export const backtest: CliCommand = {
  name: 'backtest',
  summary: 'Backtest a rules (.json) or code (.ts/.js) strategy over a CSV, the demo generator or stored candles.',
  usage: 'kestrel backtest --strategy FILE --symbol BASE/QUOTE [--data FILE.csv | --demo DAYS | --source NAME] [options]',
  options: {
    ...COMMON_OPTIONS,
    report: { type: 'string', value: 'FILE.html', help: 'write an HTML report' },
    trades: { type: 'string', value: 'FILE.csv', help: 'write the trade list as CSV' },
    equity: { type: 'string', value: 'FILE.csv|FILE.f64', help: 'write the full equity curve as CSV, or as binary float64 columns (.f64: times, values, drawdowns)' },
    'curve-points': { type: 'string', value: 'N|all', help: 'most equity points in the --json result; longer curves are cut to display points (schema kestrel.backtest/3)', defaultHelp: '10000' },
  },
  async run(argv) {
    const { values } = parseOptions(argv, backtest.options);
    const v = values as CommonValues & { report?: string; trades?: string; equity?: string; 'curve-points'?: string };
    const curvePoints = curvePointsArg(v['curve-points']);
    const strat = readStrategy(v.strategy);
    const params = parseParams(v.param);
    const assumed: Assumed[] = [];
    // A code strategy runs in a sandbox process: it starts while the data loads, not after.
    if (strat.kind === 'code') void import('../../../workers/sandbox/spawn.ts').then(({ prewarmSandbox, SANDBOX_MEMORY_MB }) => prewarmSandbox({ memoryMb: SANDBOX_MEMORY_MB }));
    const aside = async (): Promise<Certifier> => (await import('../../../workers/backtest/certifier.ts')).startCertifier();
    let certifier = strat.kind === 'rules' && v.data && fileSize(v.data) >= CERTIFY_ASIDE_CSV_BYTES ? await aside() : undefined;
    try {
      const data = await loadCandles(v, assumed, { shared: certifier !== undefined });
      trace('data loaded');
      const config = await configFrom(v, data.timeframe, assumed);
      // Before the run: what it assumes is what a reader needs to judge every figure after it.
      if (v.json) console.error(assumedLine(assumed));
      else console.log(assumedLine(assumed));
      const datasets = [{ symbol: v.symbol!, columns: data.columns, source: data.source }];
      if (strat.kind === 'rules' && !certifier && data.columns.ts.length >= CERTIFY_ASIDE_ROWS) certifier = await aside();
      certifier?.give(config, datasets);
      // The engine is loaded once the arguments and data are known good: start-up and bad input answer fast.
      trace('config');
      const late = certifier ? { lateCertificates: certifier.receive } : {};
      const r = strat.kind === 'rules'
        ? await import('../../../workers/backtest/backtester.ts').then(({ runBacktest, rulesSource }) => runBacktest({ config, strategy: rulesSource(strat.source, params), datasets, ...late }))
        : await import('../../../workers/backtest/code-runner.ts').then(({ runCodeBacktest }) => runCodeBacktest({ config, source: strat.source, fileName: strat.fileName, params, datasets }));
      trace('result');
      return await output(r, v, curvePoints);
    } finally {
      await certifier?.close();
    }
  },
};

/** The result as asked for: report, trade list and curve files, then the JSON or the summary on stdout. */
async function output(r: BacktestResult, v: { report?: string; trades?: string; equity?: string; json?: boolean }, curvePoints: number | undefined): Promise<number> {
  const { equityCsv, reportHtml, tradesCsv } = await import('../../host/reports/backtest-report.ts');
  const { equityF64, writeResultJson } = await import('../../host/reports/result-json.ts');
  if (v.report) writeFileSync(v.report, reportHtml(r));
  if (v.trades) writeFileSync(v.trades, tradesCsv(r));
  if (v.equity) writeFileSync(v.equity, /\.f64$/i.test(v.equity) ? equityF64(r) : equityCsv(r));
  if (v.json) {
    const out = bufferedStdout();
    const shown = writeResultJson(r, out.write, { curvePoints });
    out.end('\n');
    if (shown.points < shown.bars) process.stderr.write(`equity curve: ${shown.points} of ${shown.bars} points in the JSON (schema kestrel.backtest/3); --curve-points all for every point, --equity FILE.f64 or .csv for the full series\n`);
  } else console.log(summary(r));
  trace('written');
  return r.status === 'ok' ? 0 : 1;
}
