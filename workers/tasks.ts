/**
 * The task map: every task the pool can run, by name → worker module (relative to workers/, no extension)
 * and exported handler, with its input and output types.
 *
 * To add a task (e.g. workers/backtest/):
 *   1. Write the types in your folder (workers/backtest/types.ts) and the handler in a worker module
 *      (workers/backtest/task.ts): `export const run = defineTask<'backtest.run'>((input, ctx) => ...)`
 *      with `import { defineTask } from '../pool.ts'`. Keep inputs to typed arrays, numbers and plain objects.
 *   2. Add ONE line to TaskMap below (`'backtest.run': { input: BacktestInput; output: BacktestOutput };`)
 *      and ONE line to TASKS (`'backtest.run': { module: 'backtest/task', export: 'run' },`).
 *   3. Call it: `await pool.run('backtest.run', input, { signal, onProgress })`.
 */
import type { ComputeInput, ComputeOutput, SweepInput, SweepOutput } from './indicators/types.ts';
import type { RiskWindowInput, RiskWindowOutput } from './risk/types.ts';
import type { RecordRunInput, RecordRunOutput, RulesRunInput, RulesRunOutput, SweepChunkInput, SweepChunkOutput } from './backtest/types.ts';

export interface TaskMap {
  'indicators.compute': { input: ComputeInput; output: ComputeOutput };
  'indicators.sweep': { input: SweepInput; output: SweepOutput };
  'backtest.run': { input: RulesRunInput; output: RulesRunOutput };
  'backtest.sweep': { input: SweepChunkInput; output: SweepChunkOutput };
  'backtest.record': { input: RecordRunInput; output: RecordRunOutput };
  'risk.window': { input: RiskWindowInput; output: RiskWindowOutput };
}

export type TaskName = keyof TaskMap;
export type TaskInput<K extends TaskName> = TaskMap[K]['input'];
export type TaskOutput<K extends TaskName> = TaskMap[K]['output'];

export interface TaskEntry {
  /** Worker module path relative to workers/, without extension (.ts from source, .js from dist/). */
  readonly module: string;
  /** Name of the exported handler in that module. */
  readonly export: string;
}

export const TASKS = {
  'indicators.compute': { module: 'indicators/task', export: 'compute' },
  'indicators.sweep': { module: 'indicators/task', export: 'sweep' },
  'backtest.run': { module: 'backtest/task', export: 'run' },
  'backtest.sweep': { module: 'backtest/task', export: 'sweep' },
  'backtest.record': { module: 'backtest/task', export: 'record' },
  'risk.window': { module: 'risk/task', export: 'window' },
} as const satisfies Record<TaskName, TaskEntry>;
