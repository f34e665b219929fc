import type { AuditService } from '../audit/service.ts';
import type { BacktestService } from '../backtest/service.ts';
import type { SweepClusters } from '../backtest/clusters.ts';
import type { HostContext } from '../context.ts';
import type { HostSettings } from '../settings/host-settings.ts';
import type { SettingsStore } from '../settings/store.ts';
import type { MarketService } from '../data/market-service.ts';
import type { Handlers } from '../ipc/handlers.ts';
import type { TradingService } from '../trading/service.ts';
import type { PaperStrategies } from '../trading/strategies.ts';
import type { HostWorkers } from '../workers.ts';
import type { KestrelSim } from '../venues/kestrel-sim.ts';
import { appHandlers } from './app.ts';
import { tradingHandlers } from './trading.ts';
import { marketHandlers } from './market.ts';
import { indicatorHandlers } from './indicators.ts';
import { auditHandlers } from './audit.ts';
import { strategyHandlers } from './strategy.ts';
import { paperStrategyHandlers } from './paper-strategy.ts';
import { settingsHandlers } from './settings.ts';
import { venueHandlers } from './venues.ts';
import { liveHandlers } from './live.ts';
import { credentialHandlers } from './credentials.ts';
import type { Credentials } from '../secrets/credentials.ts';
import { webhookHandlers } from './webhooks.ts';
import { metricsHandlers } from './metrics.ts';
import { alertHandlers } from './alerts.ts';
import type { AlertService } from '../alerts/service.ts';
import type { AlertDelivery } from '../alerts/delivery.ts';
import type { HostMetrics } from '../metrics/service.ts';
import type { MetricsEndpoint } from '../metrics/endpoint.ts';
import type { WebhookListener } from '../webhooks/listener.ts';
import type { WebhookService } from '../webhooks/service.ts';
import { streamHandlers } from './streams.ts';
import { replayHandlers } from './replay.ts';
import type { ReplayService } from '../trading/replay-service.ts';
import { equityHandlers } from './equity.ts';
import type { MarketStreams } from '../market-streams/manager.ts';
import type { StreamsBridge } from '../market-streams/ipc-bridge.ts';

/** The services the handler table serves; createHost (host.ts) builds them. */
export interface HandlerServices {
  readonly sim: KestrelSim;
  readonly settingsStore: SettingsStore;
  readonly settings: HostSettings;
  readonly market: MarketService;
  readonly workers: HostWorkers;
  readonly trading: TradingService;
  readonly backtest: BacktestService;
  readonly clusters: SweepClusters;
  readonly audit: AuditService;
  readonly paperStrategies: PaperStrategies;
  readonly credentials: Credentials;
  readonly webhooks: WebhookService;
  readonly webhookListener: WebhookListener;
  readonly metrics: HostMetrics;
  readonly metricsEndpoint: MetricsEndpoint;
  readonly alerts: AlertService;
  readonly alertDelivery: AlertDelivery;
  readonly streams: MarketStreams;
  readonly streamsBridge: StreamsBridge;
  readonly replay: ReplayService;
}

/**
 * The one handler table; each feature's group gets exactly the services it uses. `satisfies Handlers` makes
 * a command without a handler a compile error.
 */
export function createHandlers(ctx: HostContext, s: HandlerServices): Handlers {
  return {
    ...appHandlers(ctx),
    ...tradingHandlers(s.trading, s.replay),
    ...equityHandlers(s.trading, s.replay),
    ...marketHandlers(s.market, s.sim, ctx),
    ...indicatorHandlers(s.market, s.workers, s.replay),
    ...auditHandlers(s.audit),
    ...strategyHandlers(s.backtest, s.clusters, () => s.trading.effectiveRiskProfile()),
    ...paperStrategyHandlers(s.trading, s.paperStrategies),
    ...settingsHandlers(s.settingsStore, s.settings),
    ...venueHandlers(s.settingsStore, s.sim),
    ...liveHandlers(s.trading),
    ...credentialHandlers(s.credentials),
    ...webhookHandlers(s.webhooks, s.webhookListener),
    ...metricsHandlers(s.metrics, s.metricsEndpoint),
    ...alertHandlers(s.alerts, s.alertDelivery, s.settingsStore),
    ...streamHandlers(s.streams, s.streamsBridge, s.settingsStore),
    ...replayHandlers(s.replay),
  } satisfies Handlers;
}
