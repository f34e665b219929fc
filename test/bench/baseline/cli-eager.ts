/**
 * BASELINE ONLY — `kestrel --help` as the entry did it before commands loaded lazily: every command module, and
 * the engine, reports and market service the backtest/serve commands imported, loaded before the first line.
 */
import '../../../main/cli/commands/start.ts';
import '../../../main/cli/commands/serve.ts';
import '../../../main/cli/commands/backfill.ts';
import '../../../main/cli/commands/import.ts';
import '../../../main/cli/commands/export.ts';
import '../../../main/cli/commands/quality.ts';
import '../../../main/cli/commands/indicators.ts';
import '../../../main/cli/commands/verify.ts';
import '../../../main/cli/commands/audit-export.ts';
import '../../../main/cli/commands/backtest.ts';
import '../../../main/cli/commands/sweep.ts';
import '../../../workers/backtest/backtester.ts';
import '../../../workers/backtest/code-runner.ts';
import '../../../main/core/backtest/result.ts';
import '../../../main/host/reports/backtest-report.ts';
import '../../../main/host/data/market-service.ts';
import { cliCommands } from '../../../main/cli/commands/index.ts';

console.log(['Usage: kestrel <command> [options]', '', ...cliCommands.map((c) => `  ${c.name}  ${c.summary}`)].join('\n'));
