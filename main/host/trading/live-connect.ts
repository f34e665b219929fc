/**
 * Opens the venue connection of a sim / testnet / live account: the ccxt client (from the host's VenuePool,
 * so one client and one rate limiter per exchange, endpoints and key), its private half (CcxtTrading) and
 * the account's instruments. Keys are fetched here, in the host process, and handed only to the ccxt client:
 * never to a session, a log, the ledger or the renderer (the strategy sandbox is another process).
 *
 *   sim      Kestrel Sim's own matching engine; the key is issued by the sim for an account named after the
 *            Kestrel account (no secret to store: the sim is loopback and this host's or the test's)
 *   testnet  the exchange's testnet/demo environment (ccxt sandbox mode); key from the secret store
 *   live     the exchange itself; key from the secret store
 */
import type { AccountSettings, VenueSettings } from '../../contract/settings.ts';
import { ValidationError } from '../../core/errors.ts';
import type { Instrument } from '../../core/model/index.ts';
import { CcxtTrading, CcxtVenue, type VenueOptions } from '../../venues/ccxt/index.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';
import { KESTREL_SIM_SYMBOLS } from '../venues/kestrel-sim.ts';
import type { VenuePool } from '../venues/pool.ts';

export interface Credentials {
  readonly apiKey: string;
  readonly secret: string;
  readonly password?: string;
}

export interface LiveDeps {
  readonly venues: VenuePool;
  readonly sim: KestrelSim;
  /** The Kestrel Sim behind a built-in venue (a venue with its own `url` is another one); default `sim`. */
  readonly simFor?: (venue: VenueSettings) => KestrelSim;
  /** Resolves an account's credentials reference (the secret store); undefined when it holds none. */
  readonly credentials: (ref: string) => Promise<Credentials | undefined>;
  /** Binance recvWindow for signed requests (tests shorten it: an unknown create resolves after it). */
  readonly recvWindowMs?: number;
  /** Dry-run: every order request is built and signed, and not sent. */
  readonly dryRun?: (account: string) => boolean;
}

export interface LiveConnection {
  readonly conn: CcxtVenue;
  readonly api: CcxtTrading;
  readonly instruments: readonly Instrument[];
  /** The venue id recorded on orders and fills: (venue, trade id) is the fill's dedup key. */
  readonly venueId: string;
  /** Closes what this connection owns alone (a dry-run client); pooled clients close with the pool. */
  close(): Promise<void>;
}

/** The symbols a live desk trades: the demo set, as the venue names them for the account's market type. */
export function liveSymbols(a: AccountSettings): string[] {
  return KESTREL_SIM_SYMBOLS.map((s) => (a.marketType === 'perpetual' ? `${s}:${s.split('/')[1]}` : s));
}

export async function connectLive(a: AccountSettings, venue: VenueSettings, deps: LiveDeps, dryRun: boolean): Promise<LiveConnection> {
  const perp = a.marketType === 'perpetual';
  // One ccxt class per market: Binance's spot and USDⓈ-M APIs are separate exchanges in ccxt.
  const exchange = perp && venue.exchange === 'binance' ? 'binanceusdm' : venue.exchange;
  const base: VenueOptions = { exchange, ...(perp ? { marketTypes: ['linear'] } : {}), ...(deps.recvWindowMs !== undefined ? { recvWindowMs: deps.recvWindowMs } : {}) };
  let opts: VenueOptions;
  if (a.environment === 'sim') {
    if (!venue.builtin) throw new ValidationError(`Account "${a.name}": sim accounts trade on Kestrel Sim, not ${venue.name}`);
    const sim = deps.simFor?.(venue) ?? deps.sim;
    const key = a.credentials ? await deps.credentials(a.credentials) : await sim.simKey(`kestrel-${a.id}`);
    if (!key) throw new ValidationError(`Account "${a.name}": its credentials "${a.credentials}" are not in the secret store`);
    opts = { ...base, marketTypes: perp ? ['linear'] : ['spot'], apiKey: key.apiKey, secret: key.secret, endpoints: await sim.endpoints(), timeoutMs: 5_000 };
  } else {
    if (venue.builtin) throw new ValidationError(`Account "${a.name}": ${venue.name} has no ${a.environment} environment; use a sim account`);
    const key = a.credentials ? await deps.credentials(a.credentials) : undefined;
    if (!key) throw new ValidationError(`Account "${a.name}" (${a.environment}) has no API key: enter one in Settings (credentials "${a.credentials ?? 'none'}")`, [{ path: 'credentials', message: 'not in the secret store' }]);
    opts = { ...base, apiKey: key.apiKey, secret: key.secret, ...(key.password ? { password: key.password } : {}), ...(a.environment === 'testnet' ? { sandbox: true } : {}) };
  }
  // A dry-run client replaces its transport (trading.ts): it must not be the pooled one others use.
  const conn = dryRun ? new CcxtVenue(opts) : deps.venues.get(opts);
  await conn.prepareStreams();
  const all = await conn.loadInstruments();
  const instruments = liveSymbols(a).flatMap((s) => {
    const i = all.get(s);
    return i ? [{ ...i, venue: a.venue }] : [];
  });
  if (instruments.length === 0) throw new ValidationError(`Account "${a.name}": ${venue.name} lists none of ${liveSymbols(a).join(', ')}`);
  return { conn, api: new CcxtTrading(conn, { dryRun }), instruments, venueId: a.venue, close: async () => void (dryRun && (await conn.close())) };
}
