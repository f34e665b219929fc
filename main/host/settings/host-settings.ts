/**
 * The typed settings a host is built from (createHost): the settings document (settings.json in the data
 * dir, see store.ts) with the documented environment overrides applied for this run only — the file keeps
 * its own values. Nothing else in the host reads `process.env` for configuration.
 *
 * Overrides (tests, CI and quick demos use them):
 *   KESTREL_DEMO=0|1                 market.demoHistory (the in-memory test host defaults to no demo history)
 *   KESTREL_SIM_SPEED=N              market.simSpeed (Kestrel Sim's clock runs N× the wall clock: e2e, demos)
 *   KESTREL_SIM_FAULTS=JSON          market.simFaults, this run only, never in the file: Kestrel Sim's stream
 *                                    faults, e.g. {"wsDropEveryMs":20000} (the e2e's dropping venue)
 *   KESTREL_PAPER=0|1                paper.autostart
 *   KESTREL_PAPER_PRICES=venue|demo  paper.prices (demo: paper sessions on the synthetic demo feed, offline tests;
 *                                    the in-memory test host defaults to demo)
 *   KESTREL_FEED_SEED, KESTREL_FEED_TICK_MS, KESTREL_FEED_CYCLE_MS, KESTREL_FEED_SWING_BPS, KESTREL_FEED_SWEEP_MS
 *                                    paper.feed.* (demo feed shape, main/host/trading/README.md)
 *   KESTREL_FEED_SPEED=N             paper.speed (the paper clock runs N× the wall clock)
 *   KESTREL_AUDIT_CHECKPOINT_EVERY   audit.checkpointEvery
 *   KESTREL_LEDGER_DURABILITY=process|disk  ledger.durability (when a live send may go after its intent is stored)
 *   KESTREL_SWEEP_CLUSTERS           clusters (JSON: [{"id","name","url","password": ref|null}])
 *   KESTREL_UPDATES=off|stable|beta  updates (the desktop app's self-update: off, or on following that channel)
 *   KESTREL_WEBHOOKS                 webhooks (JSON: the inbound listener, contract/webhooks.ts)
 *   KESTREL_METRICS                  metrics (JSON: the Prometheus endpoint and SLOs, contract/metrics.ts)
 *   KESTREL_SECRET_<REF>             the secret a reference names (REF upper-cased, non-alphanumerics as _),
 *                                    over the secret store's (main/host/secrets): for CI without a keychain; an
 *                                    account's credentials are JSON {"apiKey","secret","password"?}
 *   KESTREL_SIM_PORT=N               Kestrel Sim listens on this 127.0.0.1 port instead of a free one (e2e tests
 *                                    reach its /sim-admin endpoints there)
 *   KESTREL_SIM_URL=http://127.0.0.1:N  use that running Kestrel Sim (`kestrel sim`, a test's) instead of starting
 *                                    one: its accounts outlive the host (kill and restart tests)
 *   KESTREL_LIVE_RECV_WINDOW_MS      recvWindow of signed venue requests (tests: an unknown create resolves
 *                                    as "not placed" after it, plus 5 s)
 * Bootstrap variables that must be known before the data dir is: KESTREL_DATA_DIR, KESTREL_LOG, KESTREL_PORT.
 * An override whose value the schema refuses is ignored and named in `rejected`.
 */
import { z } from 'zod';
import { SettingsDocument } from '../../contract/settings.ts';
import type { HostMode } from '../context.ts';
import type { ClusterSettings } from '../../contract/settings.ts';
import type { UpdateSettings } from '../../contract/updates.ts';
import type { WebhookSettings } from '../../contract/webhooks.ts';
import type { MetricsSettings } from '../../contract/metrics.ts';
import type { FeedConfig } from '../trading/compose.ts';

export interface HostSettings {
  /** The effective document (file + overrides). */
  readonly document: SettingsDocument;
  /** KESTREL_LIVE_RECV_WINDOW_MS. */
  readonly live: { readonly recvWindowMs?: number };
  readonly market: {
    /** Generate the synthetic demo history when market.db has none. */
    readonly demoHistory: boolean;
    /** Kestrel Sim's clock speed (1 = real time). */
    readonly simSpeed: number;
    /** Kestrel Sim's stream faults (mock-exchange/faults.ts), from KESTREL_SIM_FAULTS; empty = none. */
    readonly simFaults: SimStreamFaults;
  };
  readonly paper: {
    /** Start the paper session of the current paper account with the host. */
    readonly autostart: boolean;
    /** Paper sessions on the venue's live prints, or on the synthetic demo feed. */
    readonly prices: 'venue' | 'demo';
    readonly feed: Partial<FeedConfig>;
    /** The paper clock's speed against the wall clock (1 = the wall clock). */
    readonly speed: number;
  };
  readonly audit: {
    /** Store a signed tree head once this many entries arrived since the last one. */
    readonly checkpointEvery: number;
  };
  /** When a live send may go after its intent is stored: committed (`process`) or fsynced (`disk`). */
  readonly ledger: { readonly durability: 'process' | 'disk' };
  readonly sweeps: {
    /** Queues of sweep workers on other machines (workers/queue). */
    readonly clusters: readonly ClusterSettings[];
    /** Resolves a secret reference (a queue password). */
    readonly secret: (ref: string) => string | undefined;
  };
  /** The desktop app's self-update switch (main/app/update-policy.ts turns it into a plan). */
  readonly updates: UpdateSettings;
  /** Kestrel Sim's port (0: a free one). */
  readonly simPort: number;
  /** A Kestrel Sim running outside the host, used instead of starting one (loopback URLs only). */
  readonly simUrl: string | undefined;
  /** The inbound webhook listener; `hooksOverridden`: the environment replaced the file's hooks for this run. */
  readonly webhooks: WebhookSettings & { readonly hooksOverridden: boolean };
  readonly metrics: MetricsSettings;
  /** Resolves a secret reference (hook secrets, channel tokens). */
  readonly secret: (ref: string) => string | undefined;
  /** The overrides applied, and those refused. */
  readonly overrides: readonly { key: string; env: string; value: string }[];
  readonly rejected: readonly { key: string; env: string; value: string }[];
}

const bool = (v: string): boolean | undefined => (v === '1' ? true : v === '0' ? false : undefined);
const num = (v: string): number | undefined => (v.trim() === '' ? undefined : Number(v));
const json = (v: string): unknown => {
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};

const ms = () => z.number().int().min(0).max(86_400_000);
const share = () => z.number().min(0).max(1);
/** The stream faults a run may ask Kestrel Sim for (a subset of its FaultConfig). */
export const SimStreamFaults = z
  .object({ wsDropEveryMs: ms(), wsStallEveryMs: ms(), wsStallMs: ms(), wsDuplicate: share(), wsReorder: share(), wsMalformed: share(), wsDisconnectAfter: z.number().int().min(0) })
  .partial()
  .strict();
export type SimStreamFaults = z.infer<typeof SimStreamFaults>;

/** `off` | `stable` | `beta` (any case); anything else is refused rather than guessed. */
export const parseUpdatesEnv = (v: string): UpdateSettings | undefined => {
  const t = v.trim().toLowerCase();
  if (t === 'off') return { enabled: false, channel: 'stable' };
  return t === 'stable' || t === 'beta' ? { enabled: true, channel: t } : undefined;
};

export const envSecret = (env: NodeJS.ProcessEnv) => (ref: string): string | undefined => env[`KESTREL_SECRET_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] || undefined;

export const ENV_OVERRIDES: readonly { env: string; key: string; parse: (v: string) => unknown }[] = [
  { env: 'KESTREL_DEMO', key: 'market.demoHistory', parse: bool },
  { env: 'KESTREL_SIM_SPEED', key: 'market.simSpeed', parse: num },
  { env: 'KESTREL_PAPER', key: 'paper.autostart', parse: bool },
  { env: 'KESTREL_PAPER_PRICES', key: 'paper.prices', parse: (v) => v.trim() },
  { env: 'KESTREL_FEED_SEED', key: 'paper.feed.seed', parse: num },
  { env: 'KESTREL_FEED_TICK_MS', key: 'paper.feed.tickMs', parse: num },
  { env: 'KESTREL_FEED_CYCLE_MS', key: 'paper.feed.cycleMs', parse: num },
  { env: 'KESTREL_FEED_SWING_BPS', key: 'paper.feed.swingBps', parse: num },
  { env: 'KESTREL_FEED_SWEEP_MS', key: 'paper.feed.sweepMs', parse: num },
  { env: 'KESTREL_FEED_SPEED', key: 'paper.speed', parse: num },
  { env: 'KESTREL_AUDIT_CHECKPOINT_EVERY', key: 'audit.checkpointEvery', parse: num },
  { env: 'KESTREL_LEDGER_DURABILITY', key: 'ledger.durability', parse: (v) => v.trim().toLowerCase() },
  { env: 'KESTREL_SWEEP_CLUSTERS', key: 'clusters', parse: json },
  { env: 'KESTREL_UPDATES', key: 'updates', parse: parseUpdatesEnv },
  { env: 'KESTREL_WEBHOOKS', key: 'webhooks', parse: json },
  { env: 'KESTREL_METRICS', key: 'metrics', parse: json },
];

export function resolveHostSettings(file: SettingsDocument, mode: HostMode, env: NodeJS.ProcessEnv = process.env): HostSettings {
  let doc = file;
  const overrides: { key: string; env: string; value: string }[] = [];
  const rejected: { key: string; env: string; value: string }[] = [];
  for (const o of ENV_OVERRIDES) {
    const text = env[o.env];
    if (text === undefined || text === '') continue;
    const value = o.parse(text);
    const next = value === undefined ? undefined : SettingsDocument.safeParse(withKey(doc, o.key, value));
    if (next?.success) {
      doc = next.data;
      overrides.push({ key: o.key, env: o.env, value: text });
    } else rejected.push({ key: o.key, env: o.env, value: text });
  }
  const demoOverridden = overrides.some((o) => o.key === 'market.demoHistory');
  let simFaults: SimStreamFaults = {};
  const faultsText = env['KESTREL_SIM_FAULTS'];
  if (faultsText) {
    const parsed = SimStreamFaults.safeParse(json(faultsText));
    if (parsed.success) simFaults = parsed.data;
    else rejected.push({ key: 'market.simFaults', env: 'KESTREL_SIM_FAULTS', value: faultsText });
  }
  const f = doc.paper.feed;
  const feed: { -readonly [K in keyof FeedConfig]?: FeedConfig[K] } = {};
  for (const k of ['seed', 'tickMs', 'cycleMs', 'swingBps', 'sweepMs'] as const) if (f[k] !== undefined) feed[k] = f[k];
  return {
    document: doc,
    live: Number(env.KESTREL_LIVE_RECV_WINDOW_MS) > 0 ? { recvWindowMs: Number(env.KESTREL_LIVE_RECV_WINDOW_MS) } : {},
    market: { demoHistory: demoOverridden || mode !== 'memory' ? doc.market.demoHistory : false, simSpeed: doc.market.simSpeed, simFaults },
    // Like the demo history: the in-memory host (tests only) runs paper on the demo feed unless told otherwise.
    paper: { autostart: doc.paper.autostart, prices: overrides.some((o) => o.key === 'paper.prices') || mode !== 'memory' ? doc.paper.prices : 'demo', feed, speed: doc.paper.speed },
    audit: { checkpointEvery: doc.audit.checkpointEvery },
    ledger: { durability: doc.ledger.durability },
    sweeps: { clusters: doc.clusters, secret: envSecret(env) },
    updates: doc.updates,
    simPort: simPort(env.KESTREL_SIM_PORT),
    simUrl: env.KESTREL_SIM_URL && /^http:\/\/127\.0\.0\.1:\d{1,5}\/?$/.test(env.KESTREL_SIM_URL) ? env.KESTREL_SIM_URL : undefined,
    webhooks: { ...doc.webhooks, hooksOverridden: overrides.some((o) => o.key === 'webhooks') },
    metrics: doc.metrics,
    secret: envSecret(env),
    overrides,
    rejected,
  };
}

function simPort(v: string | undefined): number {
  const n = Number(v ?? 0);
  return Number.isInteger(n) && n >= 0 && n < 65_536 ? n : 0;
}

/** A copy of `doc` with the dotted `key` set (intermediate objects created). */
function withKey(doc: SettingsDocument, key: string, value: unknown): unknown {
  const out = structuredClone(doc) as Record<string, unknown>;
  const parts = key.split('.');
  let at = out;
  for (const k of parts.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
  at[parts.at(-1)!] = value;
  return out;
}
