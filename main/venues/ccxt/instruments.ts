/** ccxt markets → Kestrel Instruments (exact decimal strings for tick, lot, min notional and fees). */
import type { Market } from 'ccxt';
import { defineInstrument, type Instrument, type MarginTier } from '../../core/model/index.ts';

const TICK_SIZE = 4;
const DECIMAL_PLACES = 2;

/** A float from ccxt as a plain decimal string (no exponent): 1e-8 → "0.00000001". */
export function decimalString(x: number): string {
  const s = String(x);
  if (!/e/i.test(s)) return s;
  return x.toFixed(20).replace(/\.?0+$/, '');
}

function step(precision: number | undefined, mode: number): string | undefined {
  if (precision === undefined || !Number.isFinite(precision)) return undefined;
  if (mode === DECIMAL_PLACES) return decimalString(10 ** -precision);
  if (mode === TICK_SIZE) return decimalString(precision);
  return undefined; // significant digits: no fixed grid; such markets are skipped
}

/** Spot and perpetual (swap) markets only: the engine trades nothing else yet. Others → undefined. */
export function marketToInstrument(m: NonNullable<Market>, venue: string, precisionMode: number): Instrument | undefined {
  const kind = m.spot ? 'spot' : m.swap ? 'perpetual' : undefined;
  if (!kind || !m.symbol || !m.base || !m.quote) return undefined;
  const tickSize = step(m.precision?.price, precisionMode);
  const lotSize = step(m.precision?.amount, precisionMode);
  if (!tickSize || !lotSize) return undefined;
  const minCost = m.limits?.cost?.min;
  const amount = m.limits?.amount;
  const lev = m.limits?.leverage?.max;
  const band = priceBand(m.info);
  return defineInstrument({
    symbol: m.symbol,
    venue,
    base: m.base,
    quote: m.quote,
    kind,
    tickSize,
    lotSize,
    ...(minCost !== undefined && minCost !== null && Number.isFinite(minCost) ? { minNotional: decimalString(minCost) } : {}),
    ...(m.contractSize ? { contractSize: decimalString(m.contractSize) } : {}),
    ...(m.maker !== undefined && m.maker !== null ? { makerFee: decimalString(m.maker) } : {}),
    ...(m.taker !== undefined && m.taker !== null ? { takerFee: decimalString(m.taker) } : {}),
    ...(finite(amount?.min) ? { minQty: decimalString(amount.min) } : {}),
    ...(finite(amount?.max) ? { maxQty: decimalString(amount.max) } : {}),
    ...(kind === 'perpetual' ? statedMargin(m.info, finite(lev) && lev >= 1 ? lev : undefined) : {}),
    ...band,
  });
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/**
 * The margin a Binance-style perpetual states publicly (exchangeInfo's maintMarginPercent and
 * requiredMarginPercent) as one tier: its maintenance rate, and the leverage its initial margin allows. A
 * venue's full bracket table is private (it needs a key); without either figure, the core's default tier.
 */
function statedMargin(info: unknown, lev: number | undefined): { maxLeverage?: number; marginTiers?: MarginTier[] } {
  const i = (info ?? {}) as Record<string, unknown>;
  const mmp = Number(i.maintMarginPercent);
  const rmp = Number(i.requiredMarginPercent);
  const maxLeverage = lev ?? (finite(rmp) && rmp <= 100 ? Math.max(1, Math.floor(100 / rmp)) : undefined);
  if (!finite(mmp) || mmp >= 100) return maxLeverage !== undefined ? { maxLeverage } : {};
  const rate = decimalString(Number((mmp / 100).toFixed(8)));
  return { ...(maxLeverage !== undefined ? { maxLeverage } : {}), marginTiers: [{ maxNotional: '0', maintenanceRate: rate, maxLeverage: maxLeverage ?? 20 }] };
}

/**
 * The price band of a Binance-style market from its raw filters (ccxt does not normalise it): PERCENT_PRICE
 * or PERCENT_PRICE_BY_SIDE multipliers. Exchange replies are hostile input: anything unexpected → no band.
 */
function priceBand(info: unknown): { priceBandUp?: string; priceBandDown?: string } {
  const filters = (info as { filters?: unknown } | undefined)?.filters;
  if (!Array.isArray(filters)) return {};
  for (const f of filters as Record<string, unknown>[]) {
    if (!f || (f.filterType !== 'PERCENT_PRICE' && f.filterType !== 'PERCENT_PRICE_BY_SIDE')) continue;
    const up = Number(f.multiplierUp ?? f.bidMultiplierUp);
    const down = Number(f.multiplierDown ?? f.askMultiplierDown);
    if (finite(up) && finite(down) && down < 1 && up > 1) return { priceBandUp: decimalString(up), priceBandDown: decimalString(down) };
  }
  return {};
}
