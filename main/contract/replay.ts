/**
 * Market replay (host: main/host/trading/replay.ts, replay-service.ts): a paper session on stored candles of
 * one or more markets of a source over a range, at 1×–1000× the wall clock or as fast as possible, with pause, step and seek. It has
 * its own fresh account at its own starting balance (never the trader's paper account) and trades through the
 * same kernel, risk gate and paper venue. Only closed bars reach the venue: fills follow the candle fallback
 * (`fillModel` in the status says so). One replay runs at a time; starting another stops the previous one.
 *
 * The Trade workspace trades it with its own ticket, chart, blotter and positions: the replay's `account`
 * (`replay:<id>`) is passed as `account` to the `trading.*` commands, which act on the replay's session then.
 */
import { z } from 'zod';
import { command, empty, event, finite, id, req } from './define.ts';
import { EquitySampleView } from './equity.ts';
import { CandleSeries } from './market.ts';
import { AccountView, Decimal, FillView, OrderView, PositionView, PriceTick, TradingState } from './trading.ts';

/** Account ids of replays start with this: the trading commands route them to the running replay. */
export const REPLAY_ACCOUNT_PREFIX = 'replay:';
export const isReplayAccount = (account: string | undefined): boolean => !!account?.startsWith(REPLAY_ACCOUNT_PREFIX);
export const ReplayAccountId = z.string().regex(/^replay:[a-z0-9-]{1,64}$/, 'replay:<id>');
/** Most symbols one replay carries. */
export const MAX_REPLAY_SYMBOLS = 8;

export const MAX_REPLAY_SPEED = 1000;
export const REPLAY_TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;

export const ReplaySpeed = z.union([z.number().int().min(1).max(MAX_REPLAY_SPEED), z.literal('max')]);
export type ReplaySpeed = z.infer<typeof ReplaySpeed>;

const epochMs = () => z.number().int().min(0).max(8.64e15);
const params = () => z.record(z.string().max(64), finite()).refine((p) => Object.keys(p).length <= 64, 'at most 64 parameters');

export const ReplayBar = z.object({ symbol: z.string(), ts: z.number(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });
export type ReplayBar = z.infer<typeof ReplayBar>;

export const ReplayStatus = z.object({
  id: z.string(),
  /** The account id the trading commands take to act on this replay (`replay:<id>`). */
  account: z.string(),
  source: z.string(),
  /** The first symbol (a strategy trades it); `symbols` lists every one, this one first. */
  symbol: z.string(),
  symbols: z.array(z.string()),
  timeframe: z.string(),
  /** Open time of the first bar of the range and close time of its last bar. */
  from: z.number(),
  to: z.number(),
  /** The replay clock: close time of the last bar delivered (`from` before any). */
  clock: z.number(),
  speed: ReplaySpeed,
  state: z.enum(['paused', 'playing', 'finished']),
  barsDone: z.number().int(),
  barsTotal: z.number().int(),
  currency: z.string(),
  startingBalance: z.string(),
  equity: z.string(),
  lastPrice: z.string().nullable(),
  tickSize: z.string(),
  lotSize: z.string(),
  strategy: z.object({ id: z.string(), name: z.string(), version: z.number().int() }).nullable(),
  /** The strategy threw: it stopped trading, the replay goes on. */
  strategyError: z.string().nullable(),
  /** How orders fill in this replay (candles only: the paper venue's candle fallback). */
  fillModel: z.string(),
  /** The replay account's trading state (its own kill switch, resume, reducing-only: never the selected account's). */
  tradingState: TradingState,
});
export type ReplayStatus = z.infer<typeof ReplayStatus>;

/** One control: `seek` needs `ts`, `speed` needs `speed`, `step` takes `bars` (default 1); a field another action does not use is refused. */
export const ReplayControl = req({
  action: z.enum(['play', 'pause', 'step', 'seek', 'speed', 'stop']),
  bars: z.number().int().min(1).max(10_000).optional(),
  ts: epochMs().optional(),
  speed: ReplaySpeed.optional(),
});
export type ReplayControl = z.infer<typeof ReplayControl>;

export const replayCommands = {
  'replay.start': command(
    'Starts a replay of stored candles (source, symbol and optionally more `symbols`, timeframe, range) in a fresh paper account; stops a running one. Paused unless `play`.',
    req({
      source: id(), symbol: id(), symbols: z.array(id()).max(MAX_REPLAY_SYMBOLS - 1).optional(), timeframe: z.enum(REPLAY_TIMEFRAMES).optional(), from: epochMs(), to: epochMs(),
      speed: ReplaySpeed.optional(), startingBalance: Decimal.optional(), play: z.boolean().optional(),
      strategyId: id().optional(), strategyVersion: z.number().int().min(1).max(1_000_000).optional(), params: params().optional(),
    }),
    ReplayStatus,
  ),
  'replay.status': command('The running replay, or null.', empty, ReplayStatus.nullable()),
  'replay.control': command('Play, pause, step (bars), seek (to a time; backward rebuilds from the start), speed, stop.', ReplayControl, ReplayStatus.nullable()),
  'replay.bars': command(
    "A symbol's bars up to the replay clock (never a later one), at the replay's timeframe or a longer one (aggregated; the last bar is the part the clock has passed): up to `limit`, context before the range included. Default: the first symbol at the replay's timeframe.",
    req({ symbol: id().optional(), timeframe: z.enum(REPLAY_TIMEFRAMES).optional(), limit: z.number().int().min(1).max(20_000).optional() }),
    CandleSeries,
  ),
};

export const replayEvents = {
  'replay.update': event(
    'Replay progress (batched, at most ~10 a second): its status, the bars (every symbol), orders, fills and equity samples (over replay time) since the last update, and its last prices, account and positions. `reset`: reload everything (a backward seek, a new replay).',
    z.object({
      status: ReplayStatus.nullable(), bars: z.array(ReplayBar), orders: z.array(OrderView), fills: z.array(FillView), reset: z.boolean(),
      prices: z.array(PriceTick), account: AccountView.nullable(), positions: z.array(PositionView), equity: z.array(EquitySampleView),
    }),
  ),
};
