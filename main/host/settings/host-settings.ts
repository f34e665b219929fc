/**
 * The typed settings a host is built from (createHost): one object, read once, handed to the services that
 * use each part. Today every field comes from an environment variable (the documented overrides below);
 * nothing else in the host reads `process.env`.
 *
 *   KESTREL_DEMO=0|1                 generate the synthetic demo history on start (default: yes, except the
 *                                    in-memory test host)
 *   KESTREL_PAPER=0                  do not start the paper session on start
 *   KESTREL_FEED_SEED, _TICK_MS, _CYCLE_MS, _SWING_BPS, _SWEEP_MS    demo feed shape (trading/README.md)
 *   KESTREL_FEED_SPEED=N             the paper clock runs N× the wall clock (trading/feed-speed.ts)
 *   KESTREL_AUDIT_CHECKPOINT_EVERY   entries between signed audit tree heads (default 10,000)
 *   KESTREL_SWEEP_CLUSTERS           sweep clusters as JSON: [{"id","name","url","password": ref|null}]
 *   KESTREL_SECRET_<REF>             the secret a reference names (REF upper-cased, non-alphanumerics as _),
 *                                    until the OS keychain store of the live-trading work replaces it
 */
import type { HostMode } from '../context.ts';
import type { ClusterSettings } from '../backtest/clusters.ts';
import type { FeedConfig } from '../trading/compose.ts';
import { ValidationError } from '../../core/errors.ts';
import { feedConfigFromEnv } from '../trading/service.ts';

export interface HostSettings {
  readonly market: {
    /** Generate the synthetic demo history when market.db has none. */
    readonly demoHistory: boolean;
  };
  readonly paper: {
    /** Start the paper session of the current paper account with the host. */
    readonly autostart: boolean;
    readonly feed: Partial<FeedConfig>;
    /** The paper clock's speed against the wall clock (1 = the wall clock). */
    readonly speed: number;
  };
  readonly audit: {
    /** Store a signed tree head once this many entries arrived since the last one. */
    readonly checkpointEvery: number;
  };
  readonly sweeps: {
    /** Queues of sweep workers on other machines (workers/queue). */
    readonly clusters: readonly ClusterSettings[];
    /** Resolves a secret reference (a queue password). */
    readonly secret: (ref: string) => string | undefined;
  };
}

export const envSecret = (env: NodeJS.ProcessEnv) => (ref: string): string | undefined => env[`KESTREL_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] || undefined;

function clustersFromEnv(text: string | undefined): ClusterSettings[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ValidationError('KESTREL_SWEEP_CLUSTERS is not JSON', [{ path: 'KESTREL_SWEEP_CLUSTERS', message: 'expected [{"id","name","url","password"}]' }]);
  }
  const ok = Array.isArray(raw) && raw.every((c) => c && typeof c.id === 'string' && typeof c.name === 'string' && typeof c.url === 'string' && (c.password === null || c.password === undefined || typeof c.password === 'string'));
  if (!ok) throw new ValidationError('KESTREL_SWEEP_CLUSTERS must list {"id","name","url","password"} objects', [{ path: 'KESTREL_SWEEP_CLUSTERS', message: 'bad shape' }]);
  return (raw as ClusterSettings[]).map((c) => ({ id: c.id, name: c.name, url: c.url, password: c.password ?? null }));
}

export function hostSettingsFromEnv(mode: HostMode, env: NodeJS.ProcessEnv = process.env): HostSettings {
  const speed = Number(env.KESTREL_FEED_SPEED);
  const every = Number(env.KESTREL_AUDIT_CHECKPOINT_EVERY);
  return {
    market: { demoHistory: env.KESTREL_DEMO === '1' || (env.KESTREL_DEMO !== '0' && mode !== 'memory') },
    paper: { autostart: env.KESTREL_PAPER !== '0', feed: feedConfigFromEnv(env), speed: Number.isFinite(speed) && speed > 1 ? speed : 1 },
    audit: { checkpointEvery: Number.isInteger(every) && every > 0 ? every : 10_000 },
    sweeps: { clusters: clustersFromEnv(env.KESTREL_SWEEP_CLUSTERS), secret: envSecret(env) },
  };
}
