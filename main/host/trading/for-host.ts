/**
 * The trading service of a host, following the market service's pattern (main/host/data/for-host.ts): one
 * per HostContext, started with the host, closed with it. The ledger database (orders, fills, accounts,
 * sessions, audit log) is opened once here; `ledgerFor(ctx)` lets other host services share that one
 * connection instead of opening their own.
 *
 * On start a paper session of the current paper account runs at once (no keys needed): the demo feed
 * continues the demo symbols' prices from the last stored demo candles. Feed knobs come from the
 * environment (KESTREL_FEED_TICK_MS, KESTREL_FEED_CYCLE_MS, KESTREL_FEED_SWING_BPS, KESTREL_FEED_SWEEP_MS, KESTREL_FEED_SEED);
 * KESTREL_PAPER=0 skips starting the session. On a first start the session waits for the demo history to be
 * generated (a few seconds); trading commands wait with it (`whenReady`).
 */
import { join } from 'node:path';
import { openLedger, type LedgerStores } from '../../storage/index.ts';
import type { HostContext } from '../context.ts';
import { marketFor } from '../data/for-host.ts';
import { clockFromEnv } from './feed-speed.ts';
import { feedConfigFromEnv, TradingService } from './service.ts';

const ledgers = new WeakMap<HostContext, LedgerStores>();
const services = new WeakMap<HostContext, TradingService>();

export function ledgerFor(ctx: HostContext): LedgerStores {
  let l = ledgers.get(ctx);
  if (!l) {
    l = openLedger(join(ctx.dataDir, 'ledger.db'));
    ledgers.set(ctx, l);
  }
  return l;
}

export function tradingFor(ctx: HostContext): TradingService {
  let s = services.get(ctx);
  if (!s) {
    s = new TradingService({ ledger: ledgerFor(ctx), candles: marketFor(ctx).stores.candles, emit: ctx.emit, log: ctx.log, feed: feedConfigFromEnv(), ...clockFromEnv() });
    services.set(ctx, s);
  }
  return s;
}

/** Starts the paper session (after the handlers exist: the session pushes events from its first tick). */
export function startTrading(ctx: HostContext): void {
  if (process.env.KESTREL_PAPER === '0') return;
  const svc = tradingFor(ctx);
  const market = marketFor(ctx);
  if (market.demoStatus().state === 'generating') {
    // First start: the demo history is being written; continue its price path rather than jump from it.
    svc.startAfter(market.ensureDemo());
    return;
  }
  const view = svc.start();
  ctx.log.info({ session: view.sessionId, account: view.accountId, tickMs: view.feedTickMs }, 'paper trading session started');
}

export function stopTrading(ctx: HostContext): void {
  const s = services.get(ctx);
  if (s) {
    services.delete(ctx);
    s.close();
  }
  const l = ledgers.get(ctx);
  if (l) {
    ledgers.delete(ctx);
    if (l.db.open) l.db.close();
  }
}
