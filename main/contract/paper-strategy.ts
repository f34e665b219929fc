/**
 * Saved strategies running in the live paper session (host: main/host/trading/strategies.ts). A run is
 * attached to the session's kernel: its orders pass the same risk gate as the ticket's and show in the
 * blotter and on the chart like any order (source `strategy`). Stop cancels the run's working orders.
 * Reload swaps in another saved version without restarting the session; `rollback` goes back to the version
 * before the last reload. A strategy that throws is stopped with its error (`state: 'error'`, `lastError`).
 */
import { z } from 'zod';
import { AccountField } from './accounts.ts';
import { command, empty, event, id, req } from './define.ts';

export const PAPER_STRATEGY_TIMEFRAMES = ['1m', '5m', '15m', '1h'] as const;

const version = () => z.number().int().min(1).max(1_000_000);
const params = () => z.record(z.string().max(64), z.number().finite()).refine((p) => Object.keys(p).length <= 64, 'at most 64 parameters');

export const PaperStrategyView = z.object({
  runId: z.string(),
  strategyId: z.string(),
  name: z.string(),
  kind: z.string(),
  /** Version number in the strategy catalog, and its content hash. */
  version: z.number().int(),
  hash: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  params: z.record(z.number()),
  state: z.enum(['running', 'stopped', 'error']),
  sessionId: z.string(),
  /** Session (simulated) time the run started / ended. */
  since: z.number(),
  endedAt: z.number().nullable(),
  /** Bars of its timeframe the strategy has decided on. */
  bars: z.number().int(),
  orders: z.number().int(),
  workingOrders: z.number().int(),
  fills: z.number().int(),
  /** Net position from this run's fills (base units, decimal text). */
  position: z.string(),
  /** This run's cash flow plus its position at the last price, fees included (quote currency, decimal text). */
  pnl: z.string(),
  fees: z.string(),
  lastError: z.string().nullable(),
  /** Orders the risk gate refused (the run keeps going), and the reasons of the last refusal. */
  rejections: z.number().int(),
  lastRejection: z.string().nullable(),
  history: z.array(z.object({ version: z.number().int(), hash: z.string(), at: z.number(), by: z.enum(['start', 'reload', 'rollback']) })),
});
export type PaperStrategyView = z.infer<typeof PaperStrategyView>;

export const paperStrategyCommands = {
  'paper.strategy.start': command(
    'Runs a saved strategy version (default: latest) on a symbol and timeframe in the selected account\'s paper session. `account` names the account the caller shows: a market replay\'s, or another than the selected, is refused.',
    req({ strategyId: id(), version: version().optional(), symbol: id(), timeframe: z.enum(PAPER_STRATEGY_TIMEFRAMES), params: params().optional(), ...AccountField }),
    PaperStrategyView,
  ),
  'paper.strategy.stop': command('Stops a running paper strategy and cancels its working orders.', req({ runId: id() }), PaperStrategyView),
  'paper.strategy.list': command('Paper strategy runs (running, and recently ended with their figures and errors).', empty, z.object({ strategies: z.array(PaperStrategyView) })),
  'paper.strategy.reload': command(
    'Hot-reloads a running paper strategy to another saved version (default: latest), or rolls back to the version before the last reload.',
    req({ runId: id(), version: version().optional(), rollback: z.boolean().optional() }),
    PaperStrategyView,
  ),
};

export const paperStrategyEvents = {
  'paper.strategy.state': event('A paper strategy run started, stopped, failed, reloaded, or its orders filled.', PaperStrategyView),
};
