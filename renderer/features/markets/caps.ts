/** What an exchange can give, in a few words (an option's text cannot hold badges): REST data, then what streams. */
export function capsText(has: Readonly<Record<string, boolean | 'emulated'>> | undefined): string {
  if (!has) return '';
  const yes = (k: string) => has[k] === true || has[k] === 'emulated';
  const rest = [yes('fetchOHLCV') && 'ohlcv', yes('fetchTrades') && 'trades', yes('fetchOrderBook') && 'book', yes('fetchTicker') && 'ticker'].filter(Boolean);
  const ws = [yes('watchOHLCV') && 'ohlcv', yes('watchTrades') && 'trades', yes('watchOrderBook') && 'book', yes('watchTicker') && 'ticker'].filter(Boolean);
  return `${rest.join(' · ') || 'no market data'}${ws.length ? ` | ws: ${ws.join(', ')}` : ' | polled'}`;
}
