/** One CcxtVenue per (exchange, endpoints, key) in the host: markets load once, and the rate limiter is shared by construction. */
import { CcxtVenue, type VenueOptions } from '../../venues/ccxt/index.ts';

export class VenuePool {
  private readonly venues = new Map<string, CcxtVenue>();

  get(opts: VenueOptions): CcxtVenue {
    const key = JSON.stringify([opts.exchange, opts.endpoints?.rest ?? '', opts.endpoints?.ws ?? '', opts.apiKey ?? '']);
    let v = this.venues.get(key);
    if (!v) {
      v = new CcxtVenue(opts);
      this.venues.set(key, v);
    }
    return v;
  }

  async close(): Promise<void> {
    await Promise.all([...this.venues.values()].map((v) => v.close()));
    this.venues.clear();
  }
}
