import { ValidationError } from '../../core/errors.ts';
import { exchangeCatalogue, exchangeInfo, MARKET_DATA_CAPABILITIES } from '../../venues/ccxt/index.ts';
import type { HostContext } from '../context.ts';
import { DEMO_LABEL } from '../data/columns.ts';
import type { MarketService } from '../data/market-service.ts';
import type { HandlersFor } from '../ipc/handlers.ts';

type MarketCommand =
  | 'market.datasets' | 'market.candles' | 'market.backfill.start' | 'market.backfill.cancel' | 'market.backfill.list'
  | 'market.import' | 'market.export' | 'market.quality' | 'market.demo.status' | 'market.exchanges' | 'market.exchange.info';

const summary = (e: ReturnType<typeof exchangeCatalogue>[number], full: boolean) => ({
  id: e.id,
  name: e.name,
  pro: e.pro,
  timeframes: [...e.timeframes],
  has: full ? { ...e.has } : Object.fromEntries(MARKET_DATA_CAPABILITIES.map((k) => [k, e.has[k] ?? false])),
});

/** A column that owns its whole ArrayBuffer (views are copied), so the binary framing sends exactly it. */
function own(a: Float64Array): Float64Array<ArrayBuffer> {
  return (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : a.slice()) as Float64Array<ArrayBuffer>;
}

export function marketHandlers(market: MarketService, ctx: Pick<HostContext, 'emit' | 'log'>): HandlersFor<MarketCommand> {
  const svc = () => market;
  return {
    'market.datasets': () => svc().datasets(),
    'market.candles': (r) => {
      const { columns: c, baseTimeframe, synthetic } = svc().candles(r);
      const filled = c.synthetic && c.synthetic.some((x) => x !== 0) ? Array.from(c.synthetic) : undefined;
      return {
        source: r.source, symbol: r.symbol, timeframe: r.timeframe, baseTimeframe, synthetic, label: synthetic ? DEMO_LABEL : null, count: c.ts.length,
        ts: own(c.ts), open: own(c.open), high: own(c.high), low: own(c.low), close: own(c.close), volume: own(c.volume), ...(filled ? { filled } : {}),
      };
    },
    'market.backfill.start': (r) => {
      if (r.endpoint && r.exchange !== 'binance') throw new ValidationError('A loopback endpoint speaks the Binance protocol: use exchange "binance"', [{ path: 'exchange', message: 'must be binance with endpoint' }]);
      const job = svc().startBackfill(
        {
          symbols: r.symbols, timeframe: r.timeframe, from: r.from, to: r.to,
          source: r.source ?? (r.endpoint ? 'mock' : r.exchange),
          venue: { exchange: r.exchange, ...(r.endpoint ? { endpoints: { rest: r.endpoint, ws: `${r.endpoint.replace('http://', 'ws://')}/ws` } } : {}) },
        },
        (e) => ctx.emit('market.backfill.progress', { ...e, symbols: e.symbols.map((x) => ({ ...x })) }),
      );
      job.result.catch((e: unknown) => ctx.log.error({ err: e }, 'backfill crashed'));
      return { jobId: job.id };
    },
    'market.backfill.cancel': (r) => ({ cancelled: svc().cancelBackfill(r.jobId) }),
    'market.backfill.list': () => svc().backfillStates(),
    'market.import': (r) => svc().importCsv({ source: r.source, symbol: r.symbol, timeframe: r.timeframe }, r.csv, { ...(r.timestamps ? { timestamps: r.timestamps } : {}), ...(r.header !== undefined ? { header: r.header } : {}) }),
    'market.export': (r) => svc().exportCsv(r),
    'market.quality': (r) => {
      const q = svc().quality({ source: r.source, symbol: r.symbol, timeframe: r.timeframe }, r.threshold !== undefined ? { threshold: r.threshold } : {});
      return { ...q, rejected: { count: q.rejected.count, rows: [...q.rejected.rows] }, gaps: { ...q.gaps, list: [...q.gaps.list] }, outliers: { ...q.outliers, list: [...q.outliers.list] } };
    },
    'market.demo.status': () => {
      const d = svc().demoStatus();
      return { ...d, symbols: [...d.symbols] };
    },
    'market.exchanges': () => exchangeCatalogue().map((e) => summary(e, false)),
    'market.exchange.info': (r) => {
      const e = exchangeInfo(r.exchange);
      if (!e) throw new ValidationError(`Unknown exchange "${r.exchange}"`, [{ path: 'exchange', message: 'not a ccxt exchange id' }]);
      return summary(e, true);
    },
  };
}
