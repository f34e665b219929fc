/**
 * A live session's market data: the venue's public trade streams (ccxt watchTrades, with reconnect and
 * dedup in main/venues/ccxt/streams.ts) as the MarketData port. Prints enter the session in one batch per
 * message (`deliver`), like the demo feed's pumps, so the ledger commits once per batch.
 */
import type { Trade } from '../../core/model/index.ts';
import type { MarketData, MarketDataHandler } from '../../core/ports.ts';
import { openStream, type CcxtVenue, type StreamHandle } from '../../venues/ccxt/index.ts';

export class VenueFeed implements MarketData {
  private readonly conn: CcxtVenue;
  private readonly deliver: (fn: () => void) => void;
  private readonly onError: (symbol: string, error: string) => void;

  constructor(conn: CcxtVenue, deliver: (fn: () => void) => void, onError: (symbol: string, error: string) => void = () => {}) {
    this.conn = conn;
    this.deliver = deliver;
    this.onError = onError;
  }

  subscribe(symbols: readonly string[], handler: MarketDataHandler): () => void {
    const handles: StreamHandle[] = symbols.map((s) =>
      openStream(this.conn, 'trades', s, {
        onTrade: (t: Trade) => this.deliver(() => handler.onTrade(t)),
        onStatus: (st) => {
          if (st.error) this.onError(s, st.error);
        },
      }),
    );
    return () => void Promise.all(handles.map((h) => h.close()));
  }
}
