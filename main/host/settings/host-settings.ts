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
 */
import type { HostMode } from '../context.ts';
import type { FeedConfig } from '../trading/compose.ts';
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
}

export function hostSettingsFromEnv(mode: HostMode, env: NodeJS.ProcessEnv = process.env): HostSettings {
  const speed = Number(env.KESTREL_FEED_SPEED);
  const every = Number(env.KESTREL_AUDIT_CHECKPOINT_EVERY);
  return {
    market: { demoHistory: env.KESTREL_DEMO === '1' || (env.KESTREL_DEMO !== '0' && mode !== 'memory') },
    paper: { autostart: env.KESTREL_PAPER !== '0', feed: feedConfigFromEnv(env), speed: Number.isFinite(speed) && speed > 1 ? speed : 1 },
    audit: { checkpointEvery: Number.isInteger(every) && every > 0 ? every : 10_000 },
  };
}
