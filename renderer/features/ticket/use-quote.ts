import { useEffect, useMemo, useState } from 'react';
import { useAccounts } from '../../state/accounts.ts';
import { latestPerFrame } from '../book/frame-batch.ts';
import { useStream } from '../markets/stream-hub.ts';
import { useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';

export interface Quote {
  bid: number | null;
  ask: number | null;
}

/** True when the session's prices are the synthetic demo feed's, not its venue's market: no book to quote. */
export function syntheticPrices(feed: string | undefined): boolean {
  return !!feed && /^demo\b/i.test(feed);
}

/**
 * The best bid and ask of a symbol on the selected account's venue, live from its book stream (the same
 * subscription the book panel holds; the host counts both), at most one render per frame. None while the
 * session prices orders from the synthetic demo feed: that venue's book is another price path, and quoting it
 * next to the desk's last price would show a spread the orders never meet.
 */
export function useQuote(symbol: string): Quote | null {
  // A market replay trades on stored candles: the venue's live book is no quote for it.
  const synthetic = useTrading((s) => syntheticPrices(s.session?.feed) || isReplayAccount(s.session?.account));
  const account = useAccounts((s) => s.list?.accounts.find((a) => a.id === s.list?.selected)?.venue ?? '');
  const venue = synthetic ? '' : account;
  const [quote, setQuote] = useState<Quote | null>(null);
  const batch = useMemo(() => latestPerFrame<Quote>(setQuote), []);
  useEffect(() => () => batch.stop(), [batch]);
  useEffect(() => setQuote(null), [venue, symbol]);
  useStream(venue, symbol, 'book', (u) => batch.push({ bid: u.bids[0]?.[0] ?? null, ask: u.asks[0]?.[0] ?? null }));
  return quote;
}
