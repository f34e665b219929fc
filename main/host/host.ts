/**
 * The composition root shared by the Electron main process, headless mode and tests: the same host,
 * whatever carries its contract. Every host service is built HERE, explicitly, in dependency order, from one
 * typed settings object (settings.json in the data dir + documented env overrides, settings/host-settings.ts); each handler group receives exactly the services it uses. Nothing else in the host
 * creates a service or keeps one in a module-level registry. A new service goes into `build` after what it
 * depends on, its start into `start`, its stop into the stack (stopped in reverse, so before what it uses).
 *
 *   settings (settings.json) ── log
 *   venues      venue connections (one ccxt client + rate limiter per exchange/endpoints/credentials) ·
 *               Kestrel Sim (loopback exchange, started on first use)
 *   storage     market (market.db; backfills through the venue connections) · ledger (ledger.db: orders,
 *               fills, books, sessions, audit log)
 *   compute     workers (piscina, threads on first use)
 *   services    trading  (ledger, market candles, streams)   one desk per account; paper desks trade on their
 *                        venue's streams (Kestrel Sim for Demo) with local matching; sim/testnet/live desks on the venue
 *               clusters (settings' sweep queues, secrets)
 *               backtest (ledger, market candles, workers, clusters)   strategy catalog, backtests, sweeps
 *               audit    (ledger; re-runs read backtest + market)
 *               paperStrategies (trading session, backtest catalog)
 *               webhooks (trading, paperStrategies; settings' hooks + secrets)   inbound listener, opt-in
 *               metrics  (observes ledger writes + audit events, webhooks, workers)   Health panel, SLOs,
 *                        opt-in Prometheus endpoint
 *               alerts   (alerts.db; every desk's ticks + audit events, SLO breaks)   delivery to channels
 *               streams  (venue connections, market candles) live streams per venue; bridge → IPC clients
 *   transport   handlers (the services above) → IpcServer
 */
import { join } from 'node:path';
import type { EngineStatus } from '../contract/index.ts';
import type { PriceTick } from '../contract/trading.ts';
import type { LiveStatus } from '../contract/live.ts';
import { BackgroundCheckpoints, openLedger, type LedgerStores } from '../storage/index.ts';
import { reportAuditAnchors } from './audit/anchor-status.ts';
import { environmentVault, type KeyVault } from './audit/key-vault.ts';
import { authenticatorFromEnv, type RiskAuthenticator } from './trading/risk-auth.ts';
import { hostRerunDeps, hostSessionRerun } from './audit/rerun-deps.ts';
import { AuditService } from './audit/service.ts';
import { BacktestService } from './backtest/service.ts';
import { SweepClusters } from './backtest/clusters.ts';
import type { HostContext, HostMode } from './context.ts';
import { MarketService } from './data/market-service.ts';
import { createHandlers } from './handlers/index.ts';
import { IpcServer } from './ipc/server.ts';
import { createFileLogger, createLogger, type Logger } from './log.ts';
import { tightenDataDir } from './private-files.ts';
import { resolveHostSettings, type HostSettings } from './settings/host-settings.ts';
import { SettingsStore } from './settings/store.ts';
import { speedClock } from './trading/feed-speed.ts';
import { TradingService } from './trading/service.ts';
import { perpVenue, type PerpVenue } from './trading/perp-markets.ts';
import { PaperStrategies } from './trading/strategies.ts';
import { APP_VERSION } from './version.ts';
import { HostWorkers } from './workers.ts';
import { KestrelSim } from './venues/kestrel-sim.ts';
import { VenuePool } from './venues/pool.ts';
import { NotFoundError } from '../core/errors.ts';
import { checkWithCcxt } from './secrets/check.ts';
import { Credentials } from './secrets/credentials.ts';
import { SecretStore } from './secrets/store.ts';
import { SubmitCoalescer } from './webhooks/coalesce.ts';
import { WebhookListener } from './webhooks/listener.ts';
import { MetricsEndpoint } from './metrics/endpoint.ts';
import { AlertDelivery } from './alerts/delivery.ts';
import { AlertService } from './alerts/service.ts';
import { IndicatorFeed, ohlcvBars } from './alerts/indicator-feed.ts';
import { AlertStore } from '../storage/alerts.ts';
import { HostMetrics } from './metrics/service.ts';
import { WebhookService } from './webhooks/service.ts';
import { strategySignal } from './webhooks/signal.ts';
import { MarketStreams } from './market-streams/manager.ts';
import { StreamsBridge } from './market-streams/ipc-bridge.ts';
import { ReplayService } from './trading/replay-service.ts';
import { venueResolver } from './market-streams/resolve.ts';
import type { Credentials as LiveCredentials } from './trading/live-connect.ts';
import type { VenuePrices } from './trading/desk.ts';
import type { VenueSettings, WatchItem } from '../contract/settings.ts';
import type { MarketEntry } from '../contract/streams.ts';

export interface HostOptions {
  mode: HostMode;
  dataDir: string;
  log?: Logger;
  /** Overrides of the settings document for this run (default: process.env; settings/host-settings.ts). */
  env?: NodeJS.ProcessEnv;
  /** Seals the audit signing key: the OS keychain in Electron; default the headless passphrase vault. */
  keyVault?: KeyVault;
  /** Re-authenticates risk overrides: OS user presence in Electron; default the KESTREL_RISK_PASSPHRASE passphrase. */
  riskAuthenticator?: RiskAuthenticator;
}

/** The host's object graph, for the shells (Electron plugs its PDF printer into audit) and tests. */
export interface HostServices {
  readonly settingsStore: SettingsStore;
  readonly settings: HostSettings;
  readonly venues: VenuePool;
  readonly sim: KestrelSim;
  readonly market: MarketService;
  readonly ledger: LedgerStores;
  readonly workers: HostWorkers;
  readonly trading: TradingService;
  readonly backtest: BacktestService;
  readonly clusters: SweepClusters;
  readonly audit: AuditService;
  readonly paperStrategies: PaperStrategies;
  readonly secrets: SecretStore;
  readonly credentials: Credentials;
  readonly webhooks: WebhookService;
  readonly webhookListener: WebhookListener;
  readonly metrics: HostMetrics;
  readonly metricsEndpoint: MetricsEndpoint;
  readonly alerts: AlertService;
  readonly alertDelivery: AlertDelivery;
  /** Live market data per venue (market-streams/manager.ts): `subscribe(venue, symbol, kinds, handler)`. */
  readonly streams: MarketStreams;
  readonly streamsBridge: StreamsBridge;
  readonly replay: ReplayService;
}

export interface Host {
  readonly ctx: HostContext;
  readonly services: HostServices;
  readonly server: IpcServer;
  close(): Promise<void>;
}

/** How often the audit service is asked whether enough entries arrived for a signed tree head. */
const CHECKPOINT_POLL_MS = 60_000;

type Stop = readonly [name: string, stop: () => void | Promise<void>];

export async function createHost(opts: HostOptions): Promise<Host> {
  // 0700, and 0600 for what an older version left readable by others (private-files.ts).
  tightenDataDir(opts.dataDir);
  // A bad or newer settings file stops the start here, before anything is opened (SettingsFileError).
  const settingsStore = SettingsStore.open(opts.dataDir);
  const settings = resolveHostSettings(settingsStore.document, opts.mode, opts.env);
  const log = opts.log ?? (opts.mode === 'memory' ? createLogger() : createFileLogger(opts.dataDir));
  let status: EngineStatus = { state: 'starting' };
  // Services push events from their first tick; the server exists only once the handlers do, and nothing
  // emits before `start` below.
  let server: IpcServer | undefined;
  const ctx: HostContext = {
    mode: opts.mode,
    dataDir: opts.dataDir,
    version: APP_VERSION,
    startedAt: Date.now(),
    log,
    ...(opts.keyVault ? { keyVault: opts.keyVault } : {}),
    riskAuthenticator: opts.riskAuthenticator ?? authenticatorFromEnv(opts.env ?? process.env),
    emit: (ch, p) => server?.emit(ch, p),
    engineStatus: () => status,
    setEngineStatus: (s) => {
      status = s;
      server?.emit('engine.status', s);
    },
  };

  // Stopped in reverse order of registration; also unwinds a build that failed half-way.
  const stops: Stop[] = [];
  const stopAll = async (): Promise<void> => {
    for (const [name, stop] of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (e) {
        log.warn({ err: (e as Error).message, service: name }, 'host service failed to stop cleanly');
      }
    }
  };

  try {
    if (settings.rejected.length) log.warn({ rejected: settings.rejected }, 'environment overrides refused by the settings schema (ignored)');
    const services = build(ctx, settingsStore, settings, stops);
    server = new IpcServer(createHandlers(ctx, services), log);
    server.onDisconnect((origin) => services.streamsBridge.disconnected(origin));
    ctx.setEngineStatus({ state: 'ready' });
    start(ctx, services, stops);
    return {
      ctx,
      services,
      server,
      async close() {
        ctx.setEngineStatus({ state: 'stopped' });
        await stopAll();
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** Builds every service in dependency order; nothing runs yet (no timer, no session, no thread). */
function build(ctx: HostContext, settingsStore: SettingsStore, settings: HostSettings, stops: Stop[]): HostServices {
  const { dataDir, log, emit } = ctx;

  const venues = new VenuePool();
  stops.push(['venues', () => venues.close()]);
  const sim = new KestrelSim({ seed: settings.paper.feed.seed ?? 1, speed: settings.market.simSpeed, faults: settings.market.simFaults, port: settings.simPort, ...(settings.simUrl ? { url: settings.simUrl } : {}) });
  stops.push(['kestrel-sim', () => sim.close()]);
  BackgroundCheckpoints.onError = (reason) => log.warn({ reason }, 'WAL checkpoints fell back to SQLite (inside commits)');
  const market = MarketService.open(join(dataDir, 'market.db'), venues);
  stops.push(['market', () => market.close()]);
  const ledger = openLedger(join(dataDir, 'ledger.db'), { durability: settings.ledger.durability });
  if (ledger.wal) ledger.wal.onError = (e) => log.error({ err: e.message }, 'ledger fsync failed: recent commits may not survive a power cut');
  stops.push(['ledger', () => void (ledger.db.open && ledger.db.close())]);
  const workers = new HostWorkers();
  stops.push(['workers', () => workers.close()]);
  // Live streams over the venue connections; closed 1m bars go to market.db (stopped before market closes).
  // A built-in venue with its own `url` is another Kestrel Sim, reached there (one client object per address).
  const otherSims = new Map<string, KestrelSim>();
  const simFor = (v: VenueSettings): KestrelSim => {
    if (!v.url) return sim;
    let s = otherSims.get(v.url);
    if (!s) otherSims.set(v.url, (s = new KestrelSim({ url: v.url })));
    return s;
  };
  const streams = new MarketStreams({
    venues, resolve: venueResolver(() => settingsStore.document, simFor), candles: market.stores.candles, log,
    // Kestrel Sim's perpetuals trade on its pairs' prices (it serves no perpetual streams): BTC/USDT:USDT streams BTC/USDT's.
    alias: (venue, symbol) => (symbol.includes(':') && settingsStore.document.venues.find((v) => v.id === venue)?.builtin ? symbol.split(':')[0] : undefined),
  });
  stops.push(['streams', () => streams.close()]);
  const streamsBridge = new StreamsBridge({ streams, emit, log });
  stops.push(['streams-bridge', () => streamsBridge.close()]);

  // Golden signals, observed where they become facts: durable ledger writes and stored audit events.
  const metrics = new HostMetrics({
    slos: settings.metrics.slos, workerQueue: () => workers.queueDepth(),
    onSlo: (slo) => {
      if (slo.ok) log.info({ slo: slo.id, valueMs: slo.valueMs }, 'SLO recovered');
      else log.warn({ slo: slo.id, valueMs: slo.valueMs, thresholdMs: slo.thresholdMs }, 'SLO broken');
      emit('health.slo', slo);
      if (!slo.ok) alerts.system(`slo-${slo.id}`, 'SLO broken', `${slo.description}: measured ${slo.valueMs} ms`, { slo: slo.id, valueMs: slo.valueMs, thresholdMs: slo.thresholdMs });
    },
    onStreamDown: (stream, why) => alerts.streamDown(stream, why),
    onStreamUp: (stream) => alerts.streamUp(stream),
  });
  // Stream health: pushed on a stream's own state changes, and read every second (a stream turns live on its
  // first message, which is not a pushed change).
  const offHealth = streams.onHealth((h) => metrics.venueHealth(h));
  const healthTimer = setInterval(() => void streams.health().then((hs) => hs.forEach((h) => metrics.venueHealth(h)), () => undefined), 1_000);
  healthTimer.unref();
  stops.push(['stream-health', () => {
    clearInterval(healthTimer);
    offHealth();
  }]);
  ledger.ledger.onWrite = (kind, ms) => metrics.dbWrite(kind, ms);
  ledger.audit.observe((e) => metrics.audit(e));
  stops.push(['metrics', () => metrics.stop()]);
  const metricsEndpoint = new MetricsEndpoint(metrics.prom, { port: settings.metrics.port, log });
  stops.push(['metrics-endpoint', () => metricsEndpoint.close()]);

  // Alerts watch every desk's prices and the stored engine events; channels and their secrets come from settings.
  const alertStore = AlertStore.open(dataDir);
  stops.push(['alerts-db', () => alertStore.close()]);
  // Channel URLs (they carry the tokens) and signing keys: KESTREL_SECRET_<REF> (CI) first, then the secret
  // store (`secrets` is built below, read only when a notification is sent).
  const channelSecret = (ref: string): string | undefined => settings.secret(ref) ?? secrets.peek(ref);
  const alertDelivery = new AlertDelivery({ channels: () => settingsStore.document.alertChannels, secret: channelSecret, store: alertStore, log });
  stops.push(['alert-delivery', () => alertDelivery.close()]);
  const alerts = new AlertService({
    store: alertStore, delivery: alertDelivery, emit, log,
    selected: () => trading.selected,
    channelIds: () => settingsStore.document.alertChannels.map((c) => c.id),
  });
  ledger.audit.observe((e) => alerts.audit(e));
  // Indicator alerts test closed bars of the account's venue stream (warmed up from market.db).
  const indicatorFeed = new IndicatorFeed({
    subscribe: (venue, symbol, handler) => streams.subscribe(venue, symbol, ['ohlcv'], handler),
    history: (venue, symbol, timeframe, from, to) => ohlcvBars(market.candles({ source: venue, symbol, timeframe, from, to, closedOnly: true }).columns),
    venueOf: (account) => settingsStore.document.accounts.find((a) => a.id === account)?.venue,
    onHit: (id, hit) => alerts.indicatorHit(id, hit),
    log,
  });
  stops.push(['indicator-alerts', () => indicatorFeed.close()]);
  alerts.watchIndicators(indicatorFeed);

  const trading = new TradingService({
    ledger, candles: market.stores.candles, emit, log, feed: settings.paper.feed, ...speedClock(settings.paper.speed),
    riskWindow: (input) => workers.get().run('risk.window', input),
    ...(ctx.riskAuthenticator ? { authenticator: ctx.riskAuthenticator } : {}),
    observe: (account, channel, payload) => {
      if (channel === 'trading.ticks') alerts.ticks(account, (payload as { prices: PriceTick[] }).prices);
      else if (channel === 'live.status') alerts.liveStatus(account, payload as LiveStatus);
    },
    // Accounts are read from the file on each use: one added in the Settings panel is usable at once.
    settings: () => settingsStore.document,
    saveSelection: (account) => void settingsStore.set('selectedAccount', account),
    saveAccounts: (accounts) => void settingsStore.set('accounts', accounts),
    // Paper accounts trade on their venue's prices: the same ref-counted streams the chart and book show.
    ...(settings.paper.prices === 'venue' ? { venuePrices: (v: VenueSettings) => venuePrices(v, streams, () => settingsStore.document.watchlist, perpVenue(v, venues, simFor)) } : {}),
    // Sim / testnet / live accounts: keys are resolved here, in the host process, and go only to ccxt.
    // KESTREL_SECRET_<REF> (CI) first, then the secret store; `credentials` is built below, used only later.
    live: { venues, sim, simFor, credentials: async (ref) => parseCredentials(settings.sweeps.secret(ref)) ?? (await storedKey(credentials, ref)), ...settings.live },
  });
  stops.push(['trading', () => trading.close()]);

  // Exchange keys and passwords, sealed by the same vault as the audit key (secrets/store.ts).
  const vault = ctx.keyVault ?? environmentVault();
  const secrets = new SecretStore(dataDir, vault);
  const credentials = new Credentials({
    store: secrets, vaultKind: vault.kind, settings: () => settingsStore.document, check: checkWithCcxt,
    builtinEndpoints: () => sim.endpoints(),
  });

  // Sweep clusters: a queue password is a secret-store reference (KESTREL_SECRET_<REF> overrides it for CI).
  const clusters = new SweepClusters(() => settings.sweeps.clusters, (ref) => settings.sweeps.secret(ref) ?? secrets.peek(ref));
  const backtest = new BacktestService({
    cluster: (id) => clusters.target(id),
    ledger,
    // Closed bars only: a higher-timeframe bar still forming would change under a re-run.
    candles: (q) => market.candles({ ...q, closedOnly: true, shared: true }).columns,
    pool: () => workers.get(),
    emit: (e) => emit('backtest.progress', e),
    // One transaction: a recorded backtest's session is in the log whole or not at all.
    recordAudit: (events) => void ledger.audit.recordMany(events.map((e) => ({ kind: e.type, data: e, ts: e.ts }))),
  });

  const audit = new AuditService({ db: ledger.db, log: ledger.audit, dataDir, checkpointEvery: settings.audit.checkpointEvery, ...(ctx.keyVault ? { vault: ctx.keyVault } : {}) });
  // Re-runs in the running app: paper sessions re-enacted on the re-created demo feed; backtests from
  // stored bars; strategies from the catalog by version hash.
  audit.setRerunDeps(hostRerunDeps({ backtest, market, log }));
  audit.setSessionRerun(hostSessionRerun({ backtest, market, log }));

  const paperStrategies = new PaperStrategies({
    session: () => trading.session, catalog: () => backtest, emit: (v) => emit('paper.strategy.state', v), log,
    // Which strategy placed an order, in the ledger: per-strategy P&L (equity.strategyPnl) survives restarts.
    attribute: (sessionId, clientOrderId, run) => ledger.equity.attribute(sessionId, clientOrderId, run),
  });

  // Inbound webhooks: orders on the hook's account with source `webhook`, through the same risk gate;
  // requests arriving together are submitted as one command (coalesce.ts).
  const webhookOrders = new SubmitCoalescer(async (account, tickets) => (await trading.running(account)).session.submitEach(tickets, 'webhook'));
  const webhooks = new WebhookService({
    settings: settings.webhooks, secret: channelSecret, log,
    hooks: () => (settings.webhooks.hooksOverridden ? settings.webhooks.hooks : settingsStore.document.webhooks.hooks),
    submit: (account, ticket) => webhookOrders.submit(account, ticket),
    signal: strategySignal(trading, paperStrategies),
  });
  webhooks.onRecord((r) => metrics.webhook(r));
  const webhookListener = new WebhookListener(webhooks, { port: settings.webhooks.port, bind: settings.webhooks.bind, log });
  stops.push(['webhooks', () => webhookListener.close()]);

  // Market replay: stored candles in a fresh paper account of its own (trading/replay-service.ts).
  const replay = new ReplayService({
    candles: (q) => market.candles({ ...q, closedOnly: true }).columns,
    market: (source, symbol) => replayMarket(settingsStore.document.venues, streams, source, symbol),
    catalog: () => backtest, emit, log,
  });
  stops.push(['replay', () => replay.close()]);

  return { settingsStore, settings, venues, sim, market, ledger, workers, trading, backtest, clusters, audit, paperStrategies, secrets, credentials, webhooks, webhookListener, metrics, metricsEndpoint, alerts, alertDelivery, streams, streamsBridge, replay };
}

/** Starts what runs on its own, once the handlers exist (the paper session pushes events from its first tick). */
function start(ctx: HostContext, s: HostServices, stops: Stop[]): void {
  const { log } = ctx;
  const demo = s.settings.market.demoHistory ? s.market.ensureDemo() : undefined;
  demo?.then((st) => {
    if (st.state === 'failed') log.error({ error: st.error }, 'demo data generation failed');
    else if (st.ms !== null) log.info({ candles: st.candles, ms: Math.round(st.ms) }, 'synthetic demo data generated');
  });

  if (s.settings.paper.autostart) {
    // A live account's session starts once its venue connection is open (keys, markets): in the background.
    if (s.trading.desk().isLive || s.trading.desk().onVenuePrices) s.trading.startAfter(Promise.resolve());
    else if (demo && s.market.demoStatus().state === 'generating') {
      // First start: the demo history is being written; continue its price path rather than jump from it.
      s.trading.startAfter(demo);
    } else {
      const view = s.trading.start();
      log.info({ session: view.sessionId, account: view.accountId, tickMs: view.feedTickMs }, 'paper trading session started');
    }
  }

  // Stored secrets are unsealed once, off the event loop, so sync users (queue passwords) find them.
  void (async () => {
    if (s.secrets.list().length > 0) await s.secrets.unlock();
  })().catch((e: unknown) => log.warn({ err: (e as Error).message }, 'secret store not unlocked'));
  s.metrics.start();
  if (s.settings.metrics.enabled) {
    s.metricsEndpoint.start().catch((e: unknown) => log.error({ err: (e as Error).message, port: s.settings.metrics.port }, 'the metrics endpoint could not start'));
  }
  if (s.settings.webhooks.enabled) {
    s.webhookListener.start().catch((e: unknown) => log.error({ err: (e as Error).message, port: s.settings.webhooks.port }, 'the webhook listener could not start'));
  }

  // The log against its last head anchored outside ledger.db; a rewrite turns the engine degraded, loudly.
  reportAuditAnchors(s.audit, ctx);

  // A signed tree head every minute when enough entries arrived, and one more on shutdown (before the
  // ledger closes: this stop is registered after the ledger's, so it runs before it).
  const timer = setInterval(() => {
    try {
      s.audit.maybeCheckpoint();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'audit tree head checkpoint failed');
    }
  }, CHECKPOINT_POLL_MS);
  timer.unref();
  stops.push(['audit', async () => {
    clearInterval(timer);
    try {
      await s.audit.unlock();
      s.audit.checkpoint();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'final audit tree head failed');
    }
  }]);
}

/**
 * A venue's prices for paper desks, over the market streams. Kestrel Sim's few markets are all tradable; on an
 * exchange a paper account trades the venue's markets on the watchlist (one trade stream each, not thousands).
 */
function venuePrices(v: VenueSettings, streams: MarketStreams, watchlist: () => readonly WatchItem[], perp: PerpVenue): VenuePrices {
  return {
    name: v.name,
    markets: async (type = 'spot') => {
      // Perpetuals (perpetual paper accounts) from the venue's USDⓈ-M markets, with the margin they state.
      const all = type === 'perp' ? await perp.markets() : (await streams.markets(v.id, { type: 'spot', limit: 100_000 })).markets;
      if (v.builtin) return all;
      const watched = new Set(watchlist().filter((w) => w.venue === v.id).map((w) => w.symbol));
      return all.filter((m) => watched.has(m.symbol));
    },
    funding: () => perp.funding(),
    subscribe: (symbol, onPrint, onBook) => {
      // Until the first trade, the ticker's last price enters as a print of size 0 (fills nothing): a venue
      // printing a few trades a minute still gives the ticket a price at once.
      let traded = false;
      return streams.subscribe(v.id, symbol, ['trades', 'book', 'ticker'], (u) => {
        if (u.kind === 'trades') {
          traded = true;
          for (const t of u.trades) onPrint(t);
        } else if (u.kind === 'book') onBook(u);
        else if (u.kind === 'ticker' && !traded) {
          traded = true;
          onPrint({ ts: u.ts, price: u.last, qty: 0 });
        }
      });
    },
  };
}

/** An account's credentials secret: JSON {"apiKey","secret","password"?}; anything else is no credentials. */
function parseCredentials(text: string | undefined): LiveCredentials | undefined {
  if (!text) return undefined;
  try {
    const o = JSON.parse(text) as Partial<LiveCredentials>;
    if (typeof o.apiKey !== 'string' || typeof o.secret !== 'string') return undefined;
    return { apiKey: o.apiKey, secret: o.secret, ...(typeof o.password === 'string' ? { password: o.password } : {}) };
  } catch {
    return undefined;
  }
}

/** An exchange key from the secret store; undefined when the reference holds none. */
async function storedKey(store: Credentials, ref: string): Promise<LiveCredentials | undefined> {
  try {
    return await store.resolve(ref);
  } catch (e) {
    if (e instanceof NotFoundError) return undefined;
    throw e;
  }
}

/** A replay's instrument from its venue's markets (tick, lot, min notional); undefined for data of no configured venue or after 5 s. */
async function replayMarket(venues: readonly VenueSettings[], streams: MarketStreams, source: string, symbol: string): Promise<MarketEntry | undefined> {
  if (!venues.some((v) => v.id === source)) return undefined;
  const signal = AbortSignal.timeout(5_000);
  const list = await streams.markets(source, { query: symbol, type: 'spot', limit: 50, signal });
  return list.markets.find((m) => m.symbol === symbol);
}
