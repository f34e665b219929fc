/**
 * The host's venue connections: one CcxtVenue per (exchange, endpoints, credentials), so markets load once
 * and one rate limiter paces every request to that connection, whichever service (market data backfill
 * today, trading with the venue connections) makes it. Built by createHost, closed with it.
 */
import { CcxtVenue, type VenueOptions } from '../../venues/ccxt/index.ts';

export class VenuePool {
  private readonly venues = new Map<string, CcxtVenue>();

  get(opts: VenueOptions): CcxtVenue {
    const key = JSON.stringify([opts.exchange, opts.endpoints?.rest ?? '', opts.endpoints?.ws ?? '', opts.apiKey ?? '', opts.sandbox === true, (opts.marketTypes ?? []).join(',')]);
    let v = this.venues.get(key);
    if (!v) {
      v = new CcxtVenue(opts);
      this.venues.set(key, v);
    }
    return v;
  }

  /** How many connections are open (one per exchange, endpoints and credentials). */
  get size(): number {
    return this.venues.size;
  }

  async close(): Promise<void> {
    await Promise.all([...this.venues.values()].map((v) => v.close()));
    this.venues.clear();
  }
}
