/** What `kestrel markets` and `kestrel watch` share: the market streams of a data dir, outside the app. */
import { join } from 'node:path';
import { KestrelError } from '../../core/errors.ts';
import { createLogger } from '../../host/log.ts';
import { MarketStreams } from '../../host/market-streams/manager.ts';
import { venueResolver } from '../../host/market-streams/resolve.ts';
import { defaultDataDir } from '../../host/paths.ts';
import { SettingsStore } from '../../host/settings/store.ts';
import { KestrelSim } from '../../host/venues/kestrel-sim.ts';
import { VenuePool } from '../../host/venues/pool.ts';
import { openMarket } from '../../storage/index.ts';

export interface CliStreams {
  readonly streams: MarketStreams;
  close(): Promise<void>;
}

/**
 * The data dir's venues (Kestrel Sim runs in this process, same seed and speed as the app's) and market.db
 * (closed bars a `watch` sees are stored there too, as the app would). Fewer, shorter retries than the app:
 * a terminal user wants to hear that a venue is unreachable in seconds.
 */
export function openCliStreams(dataDir: string | undefined): CliStreams {
  const dir = dataDir ?? defaultDataDir();
  const settings = SettingsStore.open(dir);
  const doc = settings.document;
  const sim = new KestrelSim({ seed: doc.paper.feed.seed ?? 1, speed: doc.market.simSpeed });
  const pool = new VenuePool();
  const market = openMarket(join(dir, 'market.db'));
  const streams = new MarketStreams({
    venues: pool,
    resolve: venueResolver(() => settings.document, sim, { retry: { attempts: 2, baseMs: 500, maxMs: 2_000 }, timeoutMs: 8_000 }),
    candles: market.candles,
    log: createLogger('kestrel', process.env.KESTREL_LOG ?? 'silent'),
  });
  return {
    streams,
    async close() {
      await streams.close();
      await pool.close();
      await sim.close();
      market.db.close();
    },
  };
}

/** A venue that cannot be reached is said plainly (offline machines are the common case). */
export function explain(venue: string, e: unknown): string {
  if (e instanceof KestrelError && e.retryable) return `${venue} is unreachable from this machine (offline, blocked or down): ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}
