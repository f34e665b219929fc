/**
 * The built-in indicator definitions, registered on import. Each entry maps a spec (`rsi:14`) to the batch
 * kernel, the streaming class, the columns it reads and the index of its first ready value.
 */
import { z } from 'zod';
import { dema, Dema, ema, Ema, sma, Sma, tema, Tema, wma, Wma } from './averages.ts';
import { macd, Macd, roc, Roc, rsi, Rsi } from './momentum.ts';
import { cci, Cci, mfi, Mfi, stochastic, Stochastic, stochRsi, StochRsi, williamsR, WilliamsR } from './oscillators.ts';
import { type Bar, type CandleColumns, type Column, type IndicatorDefinition, type Params, registerIndicator, type Source, SOURCES } from './registry.ts';
import { adx, Adx, ichimoku, Ichimoku, psar, Psar, superTrend, SuperTrend } from './trend.ts';
import type { Series } from './util.ts';
import { atr, Atr, bollinger, Bollinger, correlation, Correlation, donchian, Donchian, keltner, Keltner, stdev, StdDev, zscore, ZScore } from './volatility.ts';
import { obv, Obv, rollingVwap, RollingVwap, sessionVwap, SessionVwap } from './volume.ts';

const int = (d: number, min = 1) => z.number().int().min(min).max(100_000).default(d);
const pos = (d: number) => z.number().positive().finite().default(d);
const source = z.enum(SOURCES).default('close');

const HLC: readonly Column[] = ['high', 'low', 'close'];
const HL: readonly Column[] = ['high', 'low'];

function sourceColumns(s: Source): Column[] {
  if (s === 'hl2') return ['high', 'low'];
  if (s === 'hlc3') return ['high', 'low', 'close'];
  if (s === 'ohlc4') return ['open', 'high', 'low', 'close'];
  return [s];
}

/** The series a `source` names; derived prices are computed once into a fresh array. */
export function sourceSeries(c: CandleColumns, s: Source): Series {
  if (s === 'hl2' || s === 'hlc3' || s === 'ohlc4') {
    const h = c.high!;
    const l = c.low!;
    const out = new Float64Array(h.length);
    if (s === 'hl2') for (let i = 0; i < out.length; i++) out[i] = (h[i]! + l[i]!) / 2;
    else if (s === 'hlc3') for (let i = 0; i < out.length; i++) out[i] = (h[i]! + l[i]! + c.close![i]!) / 3;
    else for (let i = 0; i < out.length; i++) out[i] = (c.open![i]! + h[i]! + l[i]! + c.close![i]!) / 4;
    return out;
  }
  return c[s]!;
}

export function barSource(b: Bar, s: Source): number {
  if (s === 'hl2') return (b.high! + b.low!) / 2;
  if (s === 'hlc3') return (b.high! + b.low! + b.close!) / 3;
  if (s === 'ohlc4') return (b.open! + b.high! + b.low! + b.close!) / 4;
  return b[s] ?? NaN;
}

type SingleParams = { period: number; source: Source };

/** Single-series, single-output indicators with (period, source). */
function single(name: string, title: string, d: number, overlay: boolean, warm: (p: number) => number, batch: (s: Series, p: number) => Float64Array, mk: (p: number) => { update(x: number): number }): void {
  registerIndicator<SingleParams>({
    name,
    title,
    params: z.object({ period: int(d), source }).strict(),
    positional: ['period', 'source'],
    outputs: ['value'],
    overlay,
    inputs: (p) => sourceColumns(p.source),
    warmup: (p) => warm(p.period),
    compute: (c, p) => [batch(sourceSeries(c, p.source), p.period)],
    stream: (p) => {
      const s = mk(p.period);
      return (b, out) => {
        out[0] = s.update(barSource(b, p.source));
      };
    },
  });
}

single('sma', 'Simple moving average', 20, true, (p) => p - 1, sma, (p) => new Sma(p));
single('ema', 'Exponential moving average (SMA-seeded)', 20, true, (p) => p - 1, (s, p) => ema(s, p), (p) => new Ema(p));
single('wma', 'Weighted moving average', 20, true, (p) => p - 1, wma, (p) => new Wma(p));
single('dema', 'Double exponential moving average', 20, true, (p) => 2 * (p - 1), dema, (p) => new Dema(p));
single('tema', 'Triple exponential moving average', 20, true, (p) => 3 * (p - 1), tema, (p) => new Tema(p));
single('rsi', 'Relative strength index (Wilder)', 14, false, (p) => p, rsi, (p) => new Rsi(p));
single('roc', 'Rate of change (%)', 12, false, (p) => p, roc, (p) => new Roc(p));
single('zscore', 'Rolling z-score', 20, false, (p) => p - 1, zscore, (p) => new ZScore(p));

/** Registers a definition, inferring the params type from its zod schema. */
function define<S extends z.ZodType<Params, z.ZodTypeDef, unknown>>(d: Omit<IndicatorDefinition<z.output<S>>, 'params'> & { params: S }): void {
  registerIndicator(d as unknown as IndicatorDefinition<z.output<S>>);
}

define({
  name: 'stdev',
  title: 'Rolling standard deviation',
  params: z.object({ period: int(20, 2), source, ddof: z.union([z.literal(0), z.literal(1)]).default(0) }).strict(),
  positional: ['period', 'source', 'ddof'],
  outputs: ['value'],
  overlay: false,
  inputs: (p) => sourceColumns(p.source),
  warmup: (p) => p.period - 1,
  compute: (c, p) => [stdev(sourceSeries(c, p.source), p.period, p.ddof)],
  stream: (p) => {
    const s = new StdDev(p.period, p.ddof);
    return (b, out) => void (out[0] = s.update(barSource(b, p.source)));
  },
});

define({
  name: 'macd',
  title: 'MACD',
  params: z.object({ fast: int(12), slow: int(26), signal: int(9), source }).strict(),
  positional: ['fast', 'slow', 'signal', 'source'],
  outputs: ['macd', 'signal', 'hist'],
  overlay: false,
  inputs: (p) => sourceColumns(p.source),
  warmup: (p) => p.slow - 1,
  compute: (c, p) => {
    const r = macd(sourceSeries(c, p.source), p.fast, p.slow, p.signal);
    return [r.macd, r.signal, r.hist];
  },
  stream: (p) => {
    const s = new Macd(p.fast, p.slow, p.signal);
    return (b, out) => {
      out[0] = s.update(barSource(b, p.source));
      out[1] = s.signal;
      out[2] = s.hist;
    };
  },
});

define({
  name: 'bb',
  title: 'Bollinger Bands',
  params: z.object({ period: int(20), mult: pos(2), source }).strict(),
  positional: ['period', 'mult', 'source'],
  outputs: ['middle', 'upper', 'lower', 'percentB', 'bandwidth'],
  overlay: true,
  inputs: (p) => sourceColumns(p.source),
  warmup: (p) => p.period - 1,
  compute: (c, p) => {
    const r = bollinger(sourceSeries(c, p.source), p.period, p.mult);
    return [r.middle, r.upper, r.lower, r.percentB, r.bandwidth];
  },
  stream: (p) => {
    const s = new Bollinger(p.period, p.mult);
    return (b, out) => {
      const m = s.update(barSource(b, p.source));
      out[0] = m;
      out[1] = m === m ? s.upper : NaN;
      out[2] = m === m ? s.lower : NaN;
      out[3] = m === m ? s.percentB : NaN;
      out[4] = m === m ? s.bandwidth : NaN;
    };
  },
});

define({
  name: 'stoch',
  title: 'Stochastic oscillator',
  params: z.object({ period: int(14), smoothK: int(1), smoothD: int(3) }).strict(),
  positional: ['period', 'smoothK', 'smoothD'],
  outputs: ['k', 'd'],
  overlay: false,
  inputs: () => HLC,
  warmup: (p) => p.period + p.smoothK - 2,
  compute: (c, p) => {
    const r = stochastic(c.high!, c.low!, c.close!, p.period, p.smoothK, p.smoothD);
    return [r.k, r.d];
  },
  stream: (p) => {
    const s = new Stochastic(p.period, p.smoothK, p.smoothD);
    return (b, out) => {
      out[0] = s.update(b.high!, b.low!, b.close!);
      out[1] = s.d;
    };
  },
});

define({
  name: 'stochrsi',
  title: 'Stochastic RSI (0..1)',
  params: z.object({ rsiPeriod: int(14), stochPeriod: int(14), smoothK: int(1), smoothD: int(3), source }).strict(),
  positional: ['rsiPeriod', 'stochPeriod', 'smoothK', 'smoothD', 'source'],
  outputs: ['k', 'd'],
  overlay: false,
  inputs: (p) => sourceColumns(p.source),
  warmup: (p) => p.rsiPeriod + p.stochPeriod + p.smoothK - 2,
  compute: (c, p) => {
    const r = stochRsi(sourceSeries(c, p.source), p.rsiPeriod, p.stochPeriod, p.smoothK, p.smoothD);
    return [r.k, r.d];
  },
  stream: (p) => {
    const s = new StochRsi(p.rsiPeriod, p.stochPeriod, p.smoothK, p.smoothD);
    return (b, out) => {
      out[0] = s.update(barSource(b, p.source));
      out[1] = s.d;
    };
  },
});

/** HLC indicators with one period and one output. */
function hlc(name: string, title: string, d: number, overlay: boolean, warm: (p: number) => number, batch: (h: Series, l: Series, c: Series, p: number) => Float64Array, mk: (p: number) => { update(h: number, l: number, c: number): number }): void {
  define({
    name,
    title,
    params: z.object({ period: int(d) }).strict(),
    positional: ['period'],
    outputs: ['value'],
    overlay,
    inputs: () => HLC,
    warmup: (p) => warm(p.period),
    compute: (c, p) => [batch(c.high!, c.low!, c.close!, p.period)],
    stream: (p) => {
      const s = mk(p.period);
      return (b, out) => void (out[0] = s.update(b.high!, b.low!, b.close!));
    },
  });
}

hlc('atr', 'Average true range', 14, false, (p) => p - 1, atr, (p) => new Atr(p));
hlc('willr', 'Williams %R', 14, false, (p) => p - 1, williamsR, (p) => new WilliamsR(p));

define({
  name: 'cci',
  title: 'Commodity channel index',
  params: z.object({ period: int(20), constant: pos(0.015) }).strict(),
  positional: ['period', 'constant'],
  outputs: ['value'],
  overlay: false,
  inputs: () => HLC,
  warmup: (p) => p.period - 1,
  compute: (c, p) => [cci(c.high!, c.low!, c.close!, p.period, p.constant)],
  stream: (p) => {
    const s = new Cci(p.period, p.constant);
    return (b, out) => void (out[0] = s.update(b.high!, b.low!, b.close!));
  },
});

define({
  name: 'adx',
  title: 'Average directional index with +DI/-DI',
  params: z.object({ period: int(14) }).strict(),
  positional: ['period'],
  outputs: ['adx', 'plusDi', 'minusDi'],
  overlay: false,
  inputs: () => HLC,
  warmup: (p) => 2 * p.period - 1,
  compute: (c, p) => {
    const r = adx(c.high!, c.low!, c.close!, p.period);
    return [r.adx, r.plusDi, r.minusDi];
  },
  stream: (p) => {
    const s = new Adx(p.period);
    return (b, out) => {
      out[0] = s.update(b.high!, b.low!, b.close!);
      out[1] = s.plusDi;
      out[2] = s.minusDi;
    };
  },
});

define({
  name: 'mfi',
  title: 'Money flow index',
  params: z.object({ period: int(14) }).strict(),
  positional: ['period'],
  outputs: ['value'],
  overlay: false,
  inputs: () => ['high', 'low', 'close', 'volume'],
  warmup: (p) => p.period,
  compute: (c, p) => [mfi(c.high!, c.low!, c.close!, c.volume!, p.period)],
  stream: (p) => {
    const s = new Mfi(p.period);
    return (b, out) => void (out[0] = s.update(b.high!, b.low!, b.close!, b.volume!));
  },
});

define({
  name: 'obv',
  title: 'On-balance volume',
  params: z.object({}).strict(),
  positional: [],
  outputs: ['value'],
  overlay: false,
  inputs: () => ['close', 'volume'],
  warmup: () => 0,
  compute: (c) => [obv(c.close!, c.volume!)],
  stream: () => {
    const s = new Obv();
    return (b, out) => void (out[0] = s.update(b.close!, b.volume!));
  },
});

define({
  name: 'vwap',
  title: 'Session VWAP',
  params: z.object({ sessionMs: z.number().int().positive().default(86_400_000), offsetMs: z.number().int().default(0) }).strict(),
  positional: ['sessionMs', 'offsetMs'],
  outputs: ['value'],
  overlay: true,
  inputs: () => ['ts', 'high', 'low', 'close', 'volume'],
  warmup: () => 0,
  compute: (c, p) => [sessionVwap(c.ts!, c.high!, c.low!, c.close!, c.volume!, p.sessionMs, p.offsetMs)],
  stream: (p) => {
    const s = new SessionVwap(p.sessionMs, p.offsetMs);
    return (b, out) => void (out[0] = s.update(b.ts!, b.high!, b.low!, b.close!, b.volume!));
  },
});

define({
  name: 'rvwap',
  title: 'Rolling VWAP',
  params: z.object({ period: int(14) }).strict(),
  positional: ['period'],
  outputs: ['value'],
  overlay: true,
  inputs: () => ['high', 'low', 'close', 'volume'],
  warmup: (p) => p.period - 1,
  compute: (c, p) => [rollingVwap(c.high!, c.low!, c.close!, c.volume!, p.period)],
  stream: (p) => {
    const s = new RollingVwap(p.period);
    return (b, out) => void (out[0] = s.update(b.high!, b.low!, b.close!, b.volume!));
  },
});

define({
  name: 'donchian',
  title: 'Donchian channels',
  params: z.object({ period: int(20) }).strict(),
  positional: ['period'],
  outputs: ['upper', 'middle', 'lower'],
  overlay: true,
  inputs: () => HL,
  warmup: (p) => p.period - 1,
  compute: (c, p) => {
    const r = donchian(c.high!, c.low!, p.period);
    return [r.upper, r.middle, r.lower];
  },
  stream: (p) => {
    const s = new Donchian(p.period);
    return (b, out) => {
      const m = s.update(b.high!, b.low!);
      out[0] = m === m ? s.upper : NaN;
      out[1] = m;
      out[2] = m === m ? s.lower : NaN;
    };
  },
});

define({
  name: 'keltner',
  title: 'Keltner channels',
  params: z.object({ period: int(20), atrPeriod: int(10), mult: pos(2) }).strict(),
  positional: ['period', 'atrPeriod', 'mult'],
  outputs: ['middle', 'upper', 'lower'],
  overlay: true,
  inputs: () => HLC,
  warmup: (p) => Math.max(p.period, p.atrPeriod) - 1,
  compute: (c, p) => {
    const r = keltner(c.high!, c.low!, c.close!, p.period, p.atrPeriod, p.mult);
    return [r.middle, r.upper, r.lower];
  },
  stream: (p) => {
    const s = new Keltner(p.period, p.atrPeriod, p.mult);
    return (b, out) => {
      const m = s.update(b.high!, b.low!, b.close!);
      out[0] = m;
      out[1] = m === m ? s.upper : NaN;
      out[2] = m === m ? s.lower : NaN;
    };
  },
});

define({
  name: 'psar',
  title: 'Parabolic SAR',
  params: z.object({ step: pos(0.02), max: pos(0.2) }).strict(),
  positional: ['step', 'max'],
  outputs: ['sar', 'direction'],
  overlay: true,
  inputs: () => HL,
  warmup: () => 1,
  compute: (c, p) => {
    const r = psar(c.high!, c.low!, p.step, p.max);
    return [r.sar, r.direction];
  },
  stream: (p) => {
    const s = new Psar(p.step, p.max);
    return (b, out) => {
      out[0] = s.update(b.high!, b.low!);
      out[1] = out[0] === out[0] ? s.direction : NaN;
    };
  },
});

define({
  name: 'ichimoku',
  title: 'Ichimoku cloud',
  params: z.object({ tenkan: int(9), kijun: int(26), senkouB: int(52), displacement: int(26) }).strict(),
  positional: ['tenkan', 'kijun', 'senkouB', 'displacement'],
  outputs: ['tenkan', 'kijun', 'senkouA', 'senkouB'],
  overlay: true,
  inputs: () => HL,
  warmup: (p) => p.tenkan - 1,
  compute: (c, p) => {
    const r = ichimoku(c.high!, c.low!, p.tenkan, p.kijun, p.senkouB, p.displacement);
    return [r.tenkan, r.kijun, r.senkouA, r.senkouB];
  },
  stream: (p) => {
    const s = new Ichimoku(p.tenkan, p.kijun, p.senkouB, p.displacement);
    return (b, out) => {
      out[0] = s.update(b.high!, b.low!);
      out[1] = s.kijun;
      out[2] = s.senkouA;
      out[3] = s.senkouB;
    };
  },
});

define({
  name: 'supertrend',
  title: 'SuperTrend',
  params: z.object({ period: int(10), mult: pos(3) }).strict(),
  positional: ['period', 'mult'],
  outputs: ['supertrend', 'direction'],
  overlay: true,
  inputs: () => HLC,
  warmup: (p) => p.period - 1,
  compute: (c, p) => {
    const r = superTrend(c.high!, c.low!, c.close!, p.period, p.mult);
    return [r.supertrend, r.direction];
  },
  stream: (p) => {
    const s = new SuperTrend(p.period, p.mult);
    return (b, out) => {
      out[0] = s.update(b.high!, b.low!, b.close!);
      out[1] = out[0] === out[0] ? s.direction : NaN;
    };
  },
});

define({
  name: 'corr',
  title: 'Rolling correlation of two series',
  params: z.object({ period: int(20, 2), x: source, y: z.enum(SOURCES).default('ref') }).strict(),
  positional: ['period', 'x', 'y'],
  outputs: ['value'],
  overlay: false,
  inputs: (p) => [...new Set([...sourceColumns(p.x), ...sourceColumns(p.y)])],
  warmup: (p) => p.period - 1,
  compute: (c, p) => [correlation(sourceSeries(c, p.x), sourceSeries(c, p.y), p.period)],
  stream: (p) => {
    const s = new Correlation(p.period);
    return (b, out) => void (out[0] = s.update(barSource(b, p.x), barSource(b, p.y)));
  },
});

export type { Params };
