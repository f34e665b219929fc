import type { CliCommand } from '../command.ts';

/**
 * Every `kestrel` subcommand, by name and summary, loaded only when it runs: `kestrel --help` and a command's
 * start-up never pay for the others' modules (serve alone pulls in the host, ccxt and the HTTP stack). Add a
 * file under commands/ and one line here; a unit test checks each line against the command it loads.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<CliCommand>;
}

const entry = (name: string, summary: string, load: () => Promise<CliCommand>): CommandEntry => ({ name, summary, load });

export const cliCommands: readonly CommandEntry[] = [
  entry('start', 'Start the desktop app, or headless mode where Electron cannot run.', async () => (await import('./start.ts')).start),
  entry('serve', 'Start the workstation in headless mode: renderer and contract on 127.0.0.1, prints the URL.', async () => (await import('./serve.ts')).serve),
  entry('backfill', 'Download candles from an exchange (ccxt) into the local store; resumable, with a progress bar.', async () => (await import('./backfill.ts')).backfill),
  entry('import', 'Import candles from a CSV file (ISO dates or epoch s/ms/µs/ns, header and index column detected); all rows or none.', async () => (await import('./import.ts')).importCsv),
  entry('export', 'Export stored candles (optionally aggregated, e.g. 1m → 1h) as CSV.', async () => (await import('./export.ts')).exportCsv),
  entry('quality', 'Data-quality report of stored candles (gaps, duplicates, outliers, invalid rows, content hash).', async () => (await import('./quality.ts')).quality),
  entry('indicators', 'Compute indicators (rsi:14, bb:20:2, macd:12:26:9, ...) over a candle CSV; CSV or JSON out.', async () => (await import('./indicators.ts')).indicators),
  entry('verify', 'Verify a signed audit bundle offline: signature, hash chain, Merkle tree head, and that its signer is pinned (--key/--data-dir) or extends an earlier trusted export (--since).', async () => (await import('./verify.ts')).verify),
  entry('audit-export', 'Export the audit log of a session or time range: signed bundle, HTML report or CSV table.', async () => (await import('./audit-export.ts')).auditExport),
  entry('backtest', 'Backtest a rules (.json) or code (.ts/.js) strategy over a CSV, the demo generator or stored candles.', async () => (await import('./backtest.ts')).backtest),
  entry('replay', 'Replay stored candles of 1-8 symbols, stepped together in time, as a paper session (fresh account) at 1-1000x or max speed, optionally with a strategy; progress and a summary.', async () => (await import('./replay.ts')).replay),
  entry('sweep', 'Grid / random parameter sweep or rolling walk-forward of a rules strategy on the worker pool.', async () => (await import('./sweep.ts')).sweep),
  entry('worker', 'Run sweep and walk-forward tasks from a Redis queue (BullMQ) on this machine.', async () => (await import('./worker.ts')).worker),
  entry('markets', "List or search a venue's spot and perpetual markets with tick size, lot step and min notional.", async () => (await import('./markets.ts')).markets),
  entry('watch', 'Live view of one market in the terminal: ticker and 1m bars, optionally the order book and the trades tape.', async () => (await import('./watch.ts')).watch),
  entry('sim', 'Run Kestrel Sim (the loopback exchange in Binance\'s format, with its private API) on its own; hosts use it via KESTREL_SIM_URL.', async () => (await import('./sim.ts')).sim),
  entry('config', 'Read and edit the settings document (settings.json in the data dir), validated like the app does.', async () => (await import('./config.ts')).config),
];
