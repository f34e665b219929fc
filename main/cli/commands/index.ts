import type { CliCommand } from '../command.ts';
import { serve } from './serve.ts';
import { start } from './start.ts';
import { backfill } from './backfill.ts';
import { exportCsv } from './export.ts';
import { importCsv } from './import.ts';
import { quality } from './quality.ts';
import { indicators } from './indicators.ts';
import { verify } from './verify.ts';
import { auditExport } from './audit-export.ts';
import { backtest } from './backtest.ts';
import { sweep } from './sweep.ts';
import { config } from './config.ts';
import { worker } from './worker.ts';

/** Every `kestrel` subcommand. Add a file under commands/ and list it here. */
export const cliCommands: readonly CliCommand[] = [start, serve, backfill, importCsv, exportCsv, quality, indicators, verify, auditExport, backtest, sweep, worker, config];
