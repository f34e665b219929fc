/**
 * `kestrel backtest --strategy FILE(.json|.ts|.js) --symbol S --timeframe T [--from --to] [--data FILE.csv |
 * --demo DAYS | --source S --data-dir DIR] [--fee 0.001] [--slippage BPS] [--latency MS] [--seed N]
 * [--param name=value ...] [--json] [--report out.html] [--trades out.csv] [--equity out.csv]`
 * Rules documents run in this process; code strategies in a sandboxed, limited worker. Exit code 0 when the
 * run completed, 1 when the strategy failed (partial results are still printed / written).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BacktestResult } from '../../core/backtest/result.ts';
import type { CliCommand } from '../command.ts';
import { COMMON_OPTIONS, configFrom, loadCandles, parseParams, readStrategy, type CommonValues } from './backtest-shared.ts';

function summary(r: BacktestResult): string {
  const s = r.stats;
  const p = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
  const n = (v: number | null): string => (v === null ? '—' : v.toFixed(2));
  return [
    `${r.strategy.name} (${r.strategy.kind} ${r.strategy.version.slice(0, 12)}) on ${r.config.symbols.join(', ')} ${r.config.timeframe}: ${s.bars} bars — ${r.status}${r.error ? `: ${r.error.message} (bar ${r.error.bar})` : ''}`,
    `net profit ${s.netProfit} ${r.config.currency} (${p(s.netProfitPct)})  CAGR ${p(s.cagr)}  Sharpe ${n(s.sharpe)}  Sortino ${n(s.sortino)}  Calmar ${n(s.calmar)}`,
    `max drawdown ${p(s.maxDrawdown)} over ${s.maxDrawdownDurationBars} bars  trades ${s.trades}  win rate ${p(s.winRate)}  profit factor ${n(s.profitFactor)}  expectancy ${n(s.expectancy)}  SQN ${n(s.sqn)}  exposure ${p(s.exposure)}`,
    `avg trade ${n(s.avgTrade)}  best ${n(s.bestTrade)}  worst ${n(s.worstTrade)}  fees ${s.fees}`,
    `data ${r.certificate.datasets.map((d) => `${d.symbol}: ${d.count} candles, ${d.gaps.missing} missing, hash ${d.contentHash.slice(0, 16)}`).join('; ')}${r.certificate.ok ? '' : ' (quality issues)'}`,
    `determinism hash ${r.determinismHash}`,
  ].join('\n');
}

export const backtest: CliCommand = {
  name: 'backtest',
  summary: 'Backtest a rules (.json) or code (.ts/.js) strategy over a CSV, the demo generator or stored candles.',
  usage: 'kestrel backtest --strategy FILE --symbol S --timeframe T [--from] [--to] [--data FILE.csv | --demo DAYS] [--fee] [--slippage] [--json] [--report out.html]',
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, report: { type: 'string' }, trades: { type: 'string' }, equity: { type: 'string' } },
      strict: true,
    });
    const v = values as CommonValues & { report?: string; trades?: string; equity?: string };
    const strat = readStrategy(v.strategy);
    const config = configFrom(v);
    const params = parseParams(v.param);
    const data = await loadCandles(v);
    const datasets = [{ symbol: v.symbol!, columns: data.columns, source: data.source }];
    // The engine is loaded once the arguments and data are known good: start-up and bad input answer fast.
    const r = strat.kind === 'rules'
      ? await import('../../../workers/backtest/backtester.ts').then(({ runBacktest, rulesSource }) => runBacktest({ config, strategy: rulesSource(strat.source, params), datasets }))
      : await import('../../../workers/backtest/code-runner.ts').then(({ runCodeBacktest }) => runCodeBacktest({ config, source: strat.source, fileName: strat.fileName, params, datasets }));
    const { resultToJson } = await import('../../core/backtest/result.ts');
    const { equityCsv, reportHtml, tradesCsv } = await import('../../host/reports/backtest-report.ts');
    if (v.report) writeFileSync(v.report, reportHtml(r));
    if (v.trades) writeFileSync(v.trades, tradesCsv(r));
    if (v.equity) writeFileSync(v.equity, equityCsv(r));
    if (v.json) process.stdout.write(`${JSON.stringify(resultToJson(r))}\n`);
    else console.log(summary(r));
    return r.status === 'ok' ? 0 : 1;
  },
};
