import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../main/core/errors.ts';
import { openLedger, openMarket } from '../../../main/storage/index.ts';
import { tempDir } from './helpers.ts';

describe('catalog (instruments, accounts, sessions, strategies, backtests)', () => {
  it('round-trips each record kind', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const c = l.catalog;
    c.putInstrument({ venue: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001', takerFee: '0.001' });
    c.putInstrument({ venue: 'binance', symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.1', lotSize: '0.00001' });
    expect(c.instrument('binance', 'BTC/USDT')?.tickSize).toBe('0.1');
    expect(c.instruments('binance')).toHaveLength(1);
    c.putAccount({ id: 'p1', owner: 'demo', venue: 'paper', kind: 'paper', name: 'Paper', currency: 'USDT', createdAt: 1, data: { startingBalance: '10000' } });
    expect(c.account('p1')?.data).toEqual({ startingBalance: '10000' });
    expect(() => c.putAccount({ id: 'x', owner: 'demo', venue: 'v', kind: 'demo' as 'paper', name: 'n', currency: 'USD', createdAt: 1, data: {} })).toThrow(/CHECK/);
    c.putSession({ id: 's1', kind: 'paper', accountId: 'p1', owner: 'demo', strategyId: null, strategyVersion: null, status: 'running', startedAt: 5, endedAt: null, data: {} });
    c.putSession({ id: 's1', kind: 'paper', accountId: 'p1', owner: 'demo', strategyId: null, strategyVersion: null, status: 'stopped', startedAt: 5, endedAt: 9, data: { reason: 'user' } });
    expect(c.session('s1')).toMatchObject({ status: 'stopped', endedAt: 9, data: { reason: 'user' } });
    l.db.close();
  });

  it('strategy versions are immutable and numbered; unchanged source does not make a new version', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const c = l.catalog;
    expect(() => c.saveStrategyVersion('nope', 'x', 1)).toThrow(NotFoundError);
    c.createStrategy({ id: 'st1', name: 'EMA cross', kind: 'rules', createdAt: 1 });
    const v1 = c.saveStrategyVersion('st1', '{"fast":10}', 2);
    expect(c.saveStrategyVersion('st1', '{"fast":10}', 3)).toEqual(v1);
    const v2 = c.saveStrategyVersion('st1', '{"fast":12}', 4, 'faster');
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2.hash).not.toBe(v1.hash);
    expect(c.strategyVersion('st1', 1)?.source).toBe('{"fast":10}');
    expect(c.strategies()).toEqual([{ id: 'st1', name: 'EMA cross', kind: 'rules', createdAt: 1, archived: false, latestVersion: 2 }]);
    expect(() => l.db.prepare('INSERT INTO strategy_versions VALUES (?, 1, ?, ?, NULL, 1)').run('st1', 'y', 'h')).toThrow(/UNIQUE|PRIMARY/);
    l.db.close();
  });

  it('stores backtest results with their equity curve', () => {
    const l = openLedger(`${tempDir()}/ledger.db`);
    const equity = Float64Array.from([10_000, 10_050.5, 9_990.25]);
    l.catalog.putBacktest({ id: 'b1', strategyId: 'st1', strategyVersion: 2, sessionId: null, createdAt: 7, params: { fast: 12 }, stats: { trades: 3, netPnl: '-9.75' }, equity, resultHash: 'abc' });
    expect(l.catalog.backtest('b1')).toMatchObject({ stats: { trades: 3, netPnl: '-9.75' }, equity });
    expect(l.catalog.backtests('st1')[0]).toMatchObject({ id: 'b1', equity: null });
    l.db.close();
  });
});

describe('trades and backfill progress', () => {
  it('deduplicates trades by id and keeps prices as exact strings', () => {
    const m = openMarket(`${tempDir()}/market.db`);
    const t = [{ tradeId: '1', ts: 10, price: '30000.10', amount: '0.001', side: 'buy' as const }, { tradeId: '2', ts: 11, price: '30000.20', amount: '0.5', side: null }];
    expect(m.trades.insert('binance', 'BTC/USDT', t)).toBe(2);
    expect(m.trades.insert('binance', 'BTC/USDT', t)).toBe(0);
    expect(m.trades.range('binance', 'BTC/USDT', 0, 11)).toEqual([t[0]]);
    expect(() => m.trades.insert('binance', 'BTC/USDT', [{ ...t[0]!, tradeId: '3', price: 30000.1 as unknown as string }])).toThrow(ValidationError);
    m.db.close();
  });

  it('saves and resumes a backfill cursor', () => {
    const m = openMarket(`${tempDir()}/market.db`);
    const key = { source: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
    m.backfill.save({ ...key, fromTs: 0, toTs: 1000, cursorTs: 400, status: 'running', message: null, updatedAt: 1 });
    m.backfill.save({ ...key, fromTs: 0, toTs: 1000, cursorTs: 700, status: 'paused', message: 'rate limited', updatedAt: 2 });
    expect(m.backfill.get(key)).toMatchObject({ cursorTs: 700, status: 'paused', message: 'rate limited' });
    expect(m.backfill.list()).toHaveLength(1);
    m.db.close();
  });
});
