/**
 * Built-in rules templates. Each is a complete, valid rules document (golden backtests run every one of
 * them on a fixed generated dataset); "Save as" in the studio or `strategy duplicate` starts from these.
 */
import { RULES_KIND, RULES_VERSION } from './dsl.ts';

export interface Template {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The JSON document ("$name" strings refer to params; see dsl.ts). */
  readonly doc: Readonly<Record<string, unknown>>;
}

const head = { kind: RULES_KIND, version: RULES_VERSION } as const;

function crossover(ma: 'sma' | 'ema', title: string): Readonly<Record<string, unknown>> {
  return {
    ...head,
    name: title,
    description: `Long when the fast ${ma.toUpperCase()} crosses above the slow one; flat when it crosses back below.`,
    params: { fast: 10, slow: 30, equityPct: 95 },
    indicators: { fast: { name: ma, params: { period: '$fast' } }, slow: { name: ma, params: { period: '$slow' } } },
    entry: { long: { op: 'crossesAbove', a: 'fast', b: 'slow' } },
    exit: { long: { op: 'crossesBelow', a: 'fast', b: 'slow' } },
    sizing: { mode: 'percentEquity', percent: '$equityPct' },
  };
}

export const TEMPLATES: readonly Template[] = [
  { id: 'sma-crossover', title: 'SMA crossover', description: 'Trend following on two simple moving averages.', doc: crossover('sma', 'SMA crossover') },
  { id: 'ema-crossover', title: 'EMA crossover', description: 'Trend following on two exponential moving averages.', doc: crossover('ema', 'EMA crossover') },
  {
    id: 'rsi-mean-reversion',
    title: 'RSI mean reversion',
    description: 'Buys oversold and sells overbought RSI, back to neutral; fixed stop-loss and a time exit.',
    doc: {
      ...head,
      name: 'RSI mean reversion',
      params: { period: 14, low: 30, high: 70, mid: 50, stopPct: 3, maxBars: 120, equityPct: 50 },
      indicators: { rsi: { name: 'rsi', params: { period: '$period' } } },
      entry: { long: { op: 'crossesBelow', a: 'rsi', b: '$low' }, short: { op: 'crossesAbove', a: 'rsi', b: '$high' } },
      exit: { long: { op: 'gt', a: 'rsi', b: '$mid' }, short: { op: 'lt', a: 'rsi', b: '$mid' } },
      sizing: { mode: 'percentEquity', percent: '$equityPct' },
      exits: { stopLoss: { percent: '$stopPct' }, timeExitBars: '$maxBars' },
      cooldownBars: 5,
    },
  },
  {
    id: 'bollinger-breakout',
    title: 'Bollinger breakout',
    description: 'Long on a close above the upper band confirmed for 2 bars; out below the middle band or on a trailing stop.',
    doc: {
      ...head,
      name: 'Bollinger breakout',
      params: { period: 20, mult: 2, trailPct: 1.5, equityPct: 90 },
      indicators: { bb: { name: 'bb', params: { period: '$period', mult: '$mult' } } },
      entry: { long: { op: 'for', bars: 2, of: { op: 'gt', a: 'close', b: 'bb.upper' } } },
      exit: { long: { op: 'lt', a: 'close', b: 'bb.middle' } },
      sizing: { mode: 'percentEquity', percent: '$equityPct' },
      exits: { trailingStop: { percent: '$trailPct' } },
      maxTradesPerDay: 4,
    },
  },
  {
    id: 'donchian-trend',
    title: 'Donchian trend following',
    description: 'Turtle-style: enter on a break of the previous N-bar channel, leave on the shorter opposite channel; risk 1 % per trade with a 2 ATR stop.',
    doc: {
      ...head,
      name: 'Donchian trend following',
      params: { entry: 55, exit: 20, atr: 20, riskPct: 1, atrMult: 2 },
      indicators: {
        dcIn: { name: 'donchian', params: { period: '$entry' } },
        dcOut: { name: 'donchian', params: { period: '$exit' } },
        atr: { name: 'atr', params: { period: '$atr' } },
      },
      entry: { long: { op: 'gt', a: 'close', b: { ref: 'dcIn.upper', ago: 1 } }, short: { op: 'lt', a: 'close', b: { ref: 'dcIn.lower', ago: 1 } } },
      exit: { long: { op: 'lt', a: 'close', b: { ref: 'dcOut.lower', ago: 1 } }, short: { op: 'gt', a: 'close', b: { ref: 'dcOut.upper', ago: 1 } } },
      sizing: { mode: 'risk', percent: '$riskPct', atr: 'atr', atrMult: '$atrMult' },
    },
  },
];

export function getTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}
