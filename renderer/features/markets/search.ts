/**
 * Market search as a trader types it: "btc", "BTC/USDT", "eth usdt", "sol perp", "usdc spot". Every word must
 * match (base, quote, symbol or market type); results rank exact base matches first, then prefixes, then the
 * rest, so "eth" puts ETH/USDT above ETHFI/USDT and both above anything merely quoted in ETH.
 */

export interface SearchableMarket {
  symbol: string;
  base: string;
  quote: string;
  type: 'spot' | 'perp' | string;
}

const TYPE_WORDS: Record<string, string> = { perp: 'perp', perps: 'perp', perpetual: 'perp', swap: 'perp', futures: 'perp', spot: 'spot' };

function score<M extends SearchableMarket>(m: M, words: readonly string[]): number {
  const base = m.base.toLowerCase();
  const quote = m.quote.toLowerCase();
  const sym = m.symbol.toLowerCase();
  let s = 0;
  for (const w of words) {
    const type = TYPE_WORDS[w];
    if (type && m.type === type) continue;
    if (sym === w) s += 1000;
    else if (base === w) s += 500;
    else if (quote === w) s += 200;
    else if (base.startsWith(w)) s += 100;
    else if (sym.startsWith(w)) s += 80;
    else if (sym.includes(w)) s += 10;
    else return -1;
  }
  return s;
}

export function searchMarkets<M extends SearchableMarket>(markets: readonly M[], query: string, limit = 50): M[] {
  const words = query.toLowerCase().split(/[\s,]+/).filter(Boolean);
  if (!words.length) return markets.slice(0, limit);
  const hits: { m: M; s: number }[] = [];
  for (const m of markets) {
    const s = score(m, words);
    if (s >= 0) hits.push({ m, s });
  }
  hits.sort((a, b) => b.s - a.s || a.m.symbol.length - b.m.symbol.length || a.m.symbol.localeCompare(b.m.symbol));
  return hits.slice(0, limit).map((h) => h.m);
}

/** Moves a keyboard highlight through `n` results, wrapping at both ends. */
export function moveHighlight(current: number, delta: number, n: number): number {
  if (n <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : n - 1;
  return (((current + delta) % n) + n) % n;
}
