/**
 * Indicator series for the chart: computed by the host (in the worker pool) over the same candles
 * `market.candles` returns for the same dataset, timeframe and range, aligned bar for bar.
 */
import { z } from 'zod';
import { command, empty, float64Array, id, req } from './define.ts';

export const IndicatorInfo = z.object({
  name: z.string(),
  title: z.string(),
  /** Parameter names in the order a spec's positional values fill them (`bb:20:2` → period, mult). */
  positional: z.array(z.string()),
  defaults: z.record(z.string(), z.union([z.number(), z.string()])),
  outputs: z.array(z.string()),
  /** True when drawn over the candles (price scale), false for its own pane. */
  overlay: z.boolean(),
});
export type IndicatorInfo = z.infer<typeof IndicatorInfo>;

export const IndicatorSeries = z.object({
  key: z.string(),
  name: z.string(),
  title: z.string(),
  overlay: z.boolean(),
  /** Index of the first ready value; earlier values are NaN. */
  warmup: z.number().int(),
  ts: float64Array(),
  outputs: z.array(z.object({ name: z.string(), values: float64Array() })),
});
export type IndicatorSeries = z.infer<typeof IndicatorSeries>;

const timeframe = () => z.string().regex(/^\d{1,4}[mhdDw]$/, 'e.g. 1m, 5m, 1h, 4h, 1d');
const ms = () => z.number().int().min(0).max(1e13);
const price = () => z.number().finite().positive();
export const FormingBar = z.object({ ts: ms(), open: price(), high: price(), low: price(), close: price(), volume: z.number().finite().min(0) }).strict();
export type FormingBar = z.infer<typeof FormingBar>;

export const indicatorCommands = {
  'indicators.list': command('Indicators the host can compute, with parameters, outputs and placement.', empty, z.array(IndicatorInfo)),
  'indicators.series': command(
    'One indicator (a registry spec such as "rsi:14" or "bb:20:2") over a dataset in [from, to), aggregated like market.candles; typed-array columns.',
    req({
      source: id(), symbol: id(), timeframe: timeframe(), from: ms().optional(), to: ms().optional(), spec: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:=-]+$/, 'a spec like rsi:14'),
      /**
       * The bar the chart shows forming (live feeds store closed minutes only): it takes the place of the
       * stored bar of its time, or follows the last one, so the series' tail moves with the live bar.
       */
      forming: FormingBar.optional(),
    }),
    IndicatorSeries,
  ),
};
