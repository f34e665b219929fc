/**
 * What the SQL worker does for each method, on read-only connections opened on first use. Kept apart from
 * the thread plumbing (worker.ts) so it can be tested in-process.
 */
import { ValidationError } from '../../main/core/errors.ts';
import { integrityCheck, openLedger, openMarket, type LedgerStores, type MarketStores } from '../../main/storage/index.ts';
import { SQL_METHODS, type SqlMethod, type SqlMethods, type SqlWorkerData } from './protocol.ts';

type Handlers = { [M in SqlMethod]: (p: SqlMethods[M]['params']) => SqlMethods[M]['result'] };

export class SqlHandlers {
  private market: MarketStores | undefined;
  private ledger: LedgerStores | undefined;
  private readonly data: SqlWorkerData;
  readonly handlers: Handlers;

  constructor(data: SqlWorkerData) {
    this.data = data;
    this.handlers = {
      'candles.range': (p) => this.m().candles.range(p.key, p.from, p.to),
      'candles.datasets': () => this.m().candles.datasets(),
      'audit.verify': (p) => this.l().audit.verify(p.from),
      'audit.read': (p) => this.l().audit.read(p),
      'ledger.fills': (p) => this.l().ledger.fillsAfter(p.afterSeq ?? 0, p.limit),
      'ledger.checkPositions': () => this.l().ledger.checkPositions(),
      'db.integrityCheck': (p) => integrityCheck(p.db === 'market' ? this.m().db : this.l().db),
    };
  }

  handle(method: string, params: unknown): unknown {
    if (!(SQL_METHODS as readonly string[]).includes(method)) throw new ValidationError(`Unknown SQL worker method ${JSON.stringify(method)}`, [{ path: 'method', message: 'unknown' }]);
    if (params === null || typeof params !== 'object') throw new ValidationError('SQL worker params must be an object', [{ path: 'params', message: 'expected object' }]);
    return (this.handlers[method as SqlMethod] as (p: unknown) => unknown)(params);
  }

  close(): void {
    this.market?.db.close();
    this.ledger?.db.close();
  }

  private m(): MarketStores {
    return (this.market ??= openMarket(this.data.marketPath, { readonly: true }));
  }

  private l(): LedgerStores {
    return (this.ledger ??= openLedger(this.data.ledgerPath, { readonly: true }));
  }
}
