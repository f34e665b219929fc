/**
 * The settings document (`settings.json` in the data directory) and the commands that read and edit it.
 * One zod schema serves the file, the wire, `kestrel config` and the Settings panel. The document is
 * versioned: `SETTINGS_VERSION` is what this release writes; older versions are migrated on load
 * (main/host/settings/migrate.ts), newer ones are refused, never rewritten.
 *
 * Accounts, venues and risk profiles are referred to by id; the cross-references are checked here, so a
 * document naming an account on an unknown venue is a validation error naming the field.
 */
import { z } from 'zod';
import { command, empty, req, text } from './define.ts';
import { RiskLimitsView } from './trading.ts';
import { UpdateSettings } from './updates.ts';
import { SecretRef, WebhookSettings } from './webhooks.ts';
import { MetricsSettings } from './metrics.ts';

export const SETTINGS_VERSION = 1;

/** Ids of venues, accounts, profiles and channels: short, lower-case, safe in file names and URLs. */
export const SettingsId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, at most 40');

export const Environment = z.enum(['sim', 'paper', 'testnet', 'live']);
export type Environment = z.infer<typeof Environment>;
export const MarketType = z.enum(['spot', 'perpetual']);
export type MarketType = z.infer<typeof MarketType>;

/** The built-in offline venue: the loopback exchange in Binance's wire format (main/venues/mock-exchange). */
export const KESTREL_SIM = 'kestrel-sim';

export const VenueSettings = z
  .object({
    id: SettingsId,
    name: text(80),
    /** The ccxt exchange id the connection speaks (Kestrel Sim speaks `binance`). */
    exchange: z.string().regex(/^[a-z0-9]{2,40}$/, 'a ccxt exchange id'),
    /** Started by the host on demand, on 127.0.0.1 (Kestrel Sim). */
    builtin: z.boolean().default(false),
    /**
     * A built-in venue already running at this loopback address (`kestrel sim --port N`): a second Kestrel Sim
     * is a second, separate exchange (its own accounts, orders and book). Absent: the host's own Kestrel Sim.
     */
    url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/, 'http://127.0.0.1:PORT').optional(),
  })
  .strict();
export type VenueSettings = z.infer<typeof VenueSettings>;

export const ProtectiveLost = z.enum(['replace', 'flag']);
export type ProtectiveLost = z.infer<typeof ProtectiveLost>;

export const AccountSettings = z
  .object({
    id: SettingsId,
    name: text(80).min(1),
    venue: SettingsId,
    environment: Environment,
    marketType: MarketType,
    /** The currency balances and P&L are kept in. */
    currency: z.string().regex(/^[A-Z0-9]{2,10}$/, 'a currency code like USDT'),
    riskProfile: SettingsId,
    /** A key in the secret store (never the key itself); null = no credentials (sim and paper accounts). */
    credentials: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/).nullable(),
    /** Perpetual accounts: cross margin (the default, as venues open accounts) or isolated per position. */
    marginMode: z.enum(['cross', 'isolated']).optional(),
    /** Perpetual accounts: leverage per symbol (e.g. {"BTC/USDT:USDT": 10}); above the venue's max is refused. */
    leverage: z.record(z.string().min(1).max(40), z.number().min(1).max(125)).optional(),
    /** Perpetual accounts: the leverage of a symbol `leverage` does not name (default 20×), capped at the venue's max. */
    defaultLeverage: z.number().min(1).max(125).optional(),
    /**
     * Sim / testnet / live accounts: what becomes of a stop-loss or take-profit lost at the venue or refused by it
     * (its sibling is kept either way): `replace` (the default) places it again, at most 3 times per set; `flag`
     * only alerts and lists it on the reconciliation screen for the trader to re-place or acknowledge.
     */
    protectiveLost: ProtectiveLost.optional(),
  })
  .strict();
export type AccountSettings = z.infer<typeof AccountSettings>;

/**
 * A named risk profile: the per-order limits (`limits`, as the risk panel edits them) and the account-wide
 * limits and monitors (`account`: daily loss, drawdown, exposure, correlation, VaR, black swan). `account` is
 * the core's risk profile (main/core/risk/profile.ts), validated by the host when the document is read or
 * set (the contract may not import the core); absent = the standard profile. A new book of an account starts
 * from its profile; the risk panel's changes then apply to that book.
 */
export const RiskProfileSettings = z.object({ name: text(80).min(1), limits: RiskLimitsView.strict(), account: z.record(z.unknown()).optional() }).strict();
export type RiskProfileSettings = z.infer<typeof RiskProfileSettings>;

/**
 * Where alerts are delivered besides the app itself. A webhook channel's URL carries its token (Discord,
 * Slack, Telegram), so it is a secret-store reference like the signing secret, never the URL itself.
 */
export const AlertChannelSettings = z.discriminatedUnion('kind', [
  z.object({ id: SettingsId, kind: z.literal('desktop'), enabled: z.boolean() }).strict(),
  z
    .object({
      id: SettingsId,
      kind: z.literal('webhook'),
      enabled: z.boolean(),
      /** Body shape: generic JSON, or what Discord, Slack or Telegram expect. */
      format: z.enum(['json', 'discord', 'slack', 'telegram']).default('json'),
      /** Secret reference holding the URL (http or https). */
      url: SecretRef,
      /** Secret reference of the HMAC-SHA256 key signing each body (header X-Kestrel-Signature); null = unsigned. */
      signingSecret: SecretRef.nullable().default(null),
      /** Telegram: the chat to post to. */
      chatId: z.string().max(64).optional(),
    })
    .strict(),
]);
export type AlertChannelSettings = z.infer<typeof AlertChannelSettings>;

/** A queue of sweep workers on other machines (workers/queue): BullMQ on Redis. */
export const ClusterSettings = z
  .object({
    id: SettingsId,
    name: text(80).min(1),
    url: z
      .string()
      .max(512)
      .regex(/^rediss?:\/\/[^\s/]+(\/\d+)?$/, 'redis://host:port or rediss://host:port (TLS)')
      .refine((u) => !/:\/\/[^/]*:[^/]*@/.test(u), 'no password in the URL: name a secret in `password`'),
    /** A key in the secret store holding the Redis password; null when the queue has none. */
    password: z.string().regex(/^[a-z0-9][a-z0-9:._-]{0,79}$/).nullable().default(null),
  })
  .strict();
export type ClusterSettings = z.infer<typeof ClusterSettings>;

/** A market on the watchlist (contract/streams.ts): kept here, with the user's other choices, not in market.db (a cache). */
export const WatchItem = z
  .object({
    venue: SettingsId,
    /** A ccxt unified symbol: BTC/USDT (spot), BTC/USDT:USDT (USDⓈ-M perpetual). */
    symbol: z.string().min(3).max(64).regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+(:[A-Za-z0-9._-]+)?$/, 'a market symbol like BTC/USDT or BTC/USDT:USDT'),
  })
  .strict();
export type WatchItem = z.infer<typeof WatchItem>;

const positive = (max: number) => z.number().int().positive().max(max);

export const DEFAULT_RISK_LIMITS: RiskLimitsView = { maxOrderNotional: '50000', maxPositionNotional: null, maxPositionPctEquity: '100', maxOpenOrders: 50, priceBandBps: 500 };

export const SettingsDocument = z
  .object({
    version: z.literal(SETTINGS_VERSION),
    market: z
      .object({
        demoHistory: z.boolean().default(true),
        /** Kestrel Sim's clock against the wall clock (1 = real time; faster runs ahead of it: demos, tests). */
        simSpeed: z.number().min(1).max(10_000).default(1),
      })
      .strict()
      .default({}),
    paper: z
      .object({
        /** Start the selected paper account's session with the host. */
        autostart: z.boolean().default(true),
        /**
         * Where paper sessions take their prices: `venue` = the account's venue's live trade prints (Kestrel Sim
         * for the Demo account: what the chart and book show); `demo` = the synthetic demo feed (offline tests).
         */
        prices: z.enum(['venue', 'demo']).default('venue'),
        /** The demo feed's shape (main/host/trading/README.md); absent = the built-in defaults. */
        feed: z.object({ seed: positive(2 ** 31), tickMs: positive(3_600_000), cycleMs: positive(86_400_000), swingBps: positive(10_000), sweepMs: positive(86_400_000) }).partial().strict().default({}),
        /** The paper clock's speed against the wall clock (1 = real time). */
        speed: z.number().min(1).max(10_000).default(1),
      })
      .strict()
      .default({}),
    audit: z.object({ checkpointEvery: positive(1_000_000_000).default(10_000) }).strict().default({}),
    /**
     * When a live order may leave after its intent is stored (main/storage/README.md, "Durability of the
     * ledger"): `process` once committed (survives a crash; a power cut is caught by reconciliation), `disk`
     * once its group fsync returned (survives a power cut; adds the disk's fsync time to every send).
     */
    ledger: z.object({ durability: z.enum(['process', 'disk']).default('process') }).strict().default({}),
    venues: z.array(VenueSettings).max(200).default([{ id: KESTREL_SIM, name: 'Kestrel Sim', exchange: 'binance', builtin: true }]),
    accounts: z.array(AccountSettings).max(200).default([{ id: 'demo', name: 'Demo', venue: KESTREL_SIM, environment: 'paper', marketType: 'spot', currency: 'USDT', riskProfile: 'default', credentials: null }]),
    riskProfiles: z.record(SettingsId, RiskProfileSettings).default({ default: { name: 'Default', limits: DEFAULT_RISK_LIMITS } }),
    alertChannels: z.array(AlertChannelSettings).max(50).default([]),
    clusters: z.array(ClusterSettings).max(50).default([]),
    /** The inbound webhook listener (contract/webhooks.ts); off unless enabled. */
    webhooks: WebhookSettings.default({}),
    /** The Prometheus endpoint and the SLOs (contract/metrics.ts). */
    metrics: MetricsSettings.default({}),
    /** The desktop app's self-update switch (contract/updates.ts); a version-1 file without it reads as off. */
    updates: UpdateSettings.default({}),
    /** Markets the watchlist shows, in its order (contract/streams.ts). */
    watchlist: z.array(WatchItem).max(500).default([]),
    /** The account the workstation acts on; absent = the first account. */
    selectedAccount: SettingsId.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const dup = (ids: string[], path: string) => ids.forEach((x, i) => ids.indexOf(x) !== i && ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${x}"` }));
    dup(d.venues.map((v) => v.id), 'venues');
    dup(d.accounts.map((a) => a.id), 'accounts');
    dup(d.alertChannels.map((c) => c.id), 'alertChannels');
    dup(d.clusters.map((c) => c.id), 'clusters');
    dup(d.webhooks.hooks.map((h) => h.id), 'webhooks.hooks');
    d.webhooks.hooks.forEach((h, i) => {
      if (!d.accounts.some((a) => a.id === h.account)) ctx.addIssue({ code: 'custom', path: ['webhooks', 'hooks', i, 'account'], message: `no account "${h.account}"` });
    });
    d.watchlist.forEach((w, i) => {
      if (!d.venues.some((v) => v.id === w.venue)) ctx.addIssue({ code: 'custom', path: ['watchlist', i, 'venue'], message: `no venue "${w.venue}"` });
      if (d.watchlist.findIndex((x) => x.venue === w.venue && x.symbol === w.symbol) !== i) ctx.addIssue({ code: 'custom', path: ['watchlist', i], message: `${w.symbol} on ${w.venue} is listed twice` });
    });
    if (d.accounts.length === 0) ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'at least one account' });
    d.accounts.forEach((a, i) => {
      if (!d.venues.some((v) => v.id === a.venue)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'venue'], message: `no venue "${a.venue}"` });
      if (!Object.hasOwn(d.riskProfiles, a.riskProfile)) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'riskProfile'], message: `no risk profile "${a.riskProfile}"` });
      if ((a.environment === 'live' || a.environment === 'testnet') && a.credentials === null) ctx.addIssue({ code: 'custom', path: ['accounts', i, 'credentials'], message: `a ${a.environment} account needs credentials` });
    });
    if (d.selectedAccount !== undefined && !d.accounts.some((a) => a.id === d.selectedAccount)) ctx.addIssue({ code: 'custom', path: ['selectedAccount'], message: `no account "${d.selectedAccount}"` });
  });
export type SettingsDocument = z.output<typeof SettingsDocument>;

export const SettingsOverride = z.object({ key: z.string(), env: z.string(), value: z.string() });

export const SettingsView = z.object({
  /** Where the document lives (the data directory's settings.json). */
  file: z.string(),
  document: SettingsDocument,
  /** Environment variables overriding a key for this run (the document keeps its own value). */
  overrides: z.array(SettingsOverride),
  /** Keys changed since the host started that take effect on the next start. */
  pendingRestart: z.array(z.string()),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const settingsCommands = {
  'settings.get': command('The settings document, where it lives and which keys the environment overrides.', empty, SettingsView),
  'settings.set': command(
    'Sets one key (dotted path, e.g. `paper.feed.tickMs`) to a JSON value; the whole document is validated and written atomically.',
    req({ key: text(200).min(1), value: z.unknown() }),
    SettingsView,
  ),
};

/** Every leaf of a settings document as (dotted key, value); array elements are keyed by index. */
export function settingsLeaves(v: unknown, prefix = ''): { key: string; value: unknown }[] {
  if (v !== null && typeof v === 'object' && Object.keys(v).length > 0) {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => settingsLeaves(x, prefix ? `${prefix}.${k}` : k));
  }
  return [{ key: prefix, value: v }];
}
