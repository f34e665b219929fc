/**
 * Slippage for taker executions, in ticks, always against the trader and rounded up to whole ticks.
 * - fixed-bps: a constant fraction of the price.
 * - spread: half the quoted spread when a quote is known, else half of `fallbackBps`.
 * - volume: impact growing linearly with the share of the bar's (or print's) volume taken.
 * `jitterBps` adds a uniform random extra from the venue's seeded RNG (deterministic per seed).
 * A marketable limit never fills beyond its limit, whatever the model says.
 */
export type SlippageModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed-bps'; readonly bps: number; readonly jitterBps?: number }
  | { readonly kind: 'spread'; readonly fallbackBps: number; readonly jitterBps?: number }
  | { readonly kind: 'volume'; readonly bpsAtFullVolume: number; readonly jitterBps?: number };

export function slippageTicks(m: SlippageModel, priceTicks: number, qtyLots: number, volumeLots: number, spreadTicks: number, rnd: () => number): number {
  let bps = 0;
  let extra = 0;
  switch (m.kind) {
    case 'none':
      return 0;
    case 'fixed-bps':
      bps = m.bps;
      break;
    case 'spread':
      if (spreadTicks > 0) extra = spreadTicks / 2;
      else bps = m.fallbackBps / 2;
      break;
    case 'volume':
      bps = volumeLots > 0 ? m.bpsAtFullVolume * Math.min(1, qtyLots / volumeLots) : m.bpsAtFullVolume;
      break;
  }
  if (m.jitterBps) bps += m.jitterBps * rnd();
  return Math.ceil(extra + (priceTicks * bps) / 10_000 - 1e-9);
}
