/** One backtest service per host, sharing the host's ledger connection, market data and worker pool. */
import type { HostContext } from '../context.ts';
import { marketFor } from '../data/for-host.ts';
import { ledgerFor } from '../trading/for-host.ts';
import { poolFor } from '../workers.ts';
import { BacktestService } from './service.ts';

const services = new WeakMap<HostContext, BacktestService>();

export function backtestFor(ctx: HostContext): BacktestService {
  let s = services.get(ctx);
  if (!s) {
    s = new BacktestService({
      ledger: ledgerFor(ctx),
      // Closed bars only: a higher-timeframe bar still forming would change under a re-run.
      candles: (q) => marketFor(ctx).candles({ ...q, closedOnly: true }).columns,
      pool: () => poolFor(ctx),
      emit: (e) => ctx.emit('backtest.progress', e),
      // One transaction: a recorded backtest's session is in the log whole or not at all.
      recordAudit: (events) => void ledgerFor(ctx).audit.recordMany(events.map((e) => ({ kind: e.type, data: e, ts: e.ts }))),
    });
    services.set(ctx, s);
  }
  return s;
}
