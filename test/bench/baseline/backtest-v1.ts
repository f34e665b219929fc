/**
 * BASELINE ONLY — `kestrel backtest --data FILE --json` as it ran before this work: every module loaded up front,
 * the file read as one string and parsed by the string parser, the result printed as one JSON.stringify of
 * the schema-2 document (full curves as number arrays). Usage: backtest-v1.ts STRATEGY.json DATA.csv SYMBOL FEE
 */
import '../../../main/host/data/market-service.ts';
import '../../../main/host/reports/backtest-report.ts';
import '../../../workers/backtest/code-runner.ts';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { resultToJson } from '../../../main/core/backtest/result.ts';
import { runBacktest, rulesSource } from '../../../workers/backtest/backtester.ts';
import { configFrom } from '../../../main/cli/commands/backtest-shared.ts';
import { parseCandlesCsvV1 } from './csv-v1.ts';

const [strategy, data, symbol, fee] = process.argv.slice(2) as [string, string, string, string];
const config = await configFrom({ symbol, fee }, '1m');
const columns = parseCandlesCsvV1(readFileSync(data, 'utf8')).columns;
const r = runBacktest({ config, strategy: rulesSource(readFileSync(strategy, 'utf8'), {}), datasets: [{ symbol, columns, source: basename(data) }] });
process.stdout.write(`${JSON.stringify(resultToJson(r))}\n`);
