import { describe, expect, it } from 'vitest';
import { StorageError, ValidationError } from '../../../main/core/errors.ts';
import { openStores } from '../../../main/storage/index.ts';
import { SqlWorker } from '../../../workers/sql/client.ts';
import { fill, tempDir } from '../../unit/storage/helpers.ts';

const KEY = { source: 'demo', symbol: 'ETH/USDT', timeframe: '5m' };

describe('SQL worker', () => {
  it('answers long reads off the main thread with the same results as the main-thread repositories', async () => {
    const dir = tempDir();
    const s = openStores(dir);
    const n = 50_000;
    const ts = Float64Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 300_000);
    const px = Float64Array.from({ length: n }, (_, i) => 2000 + Math.sin(i / 100) * 50);
    s.market.candles.upsert(KEY, { ts, open: px, high: px, low: px, close: px, volume: px });
    for (let i = 0; i < 200; i++) s.ledger.audit.record('signal', { i });
    s.ledger.ledger.recordFill({ accountId: 'a', sessionId: 's' }, fill('t1'));
    const w = SqlWorker.start(s.paths);
    try {
      const cols = await w.call('candles.range', { key: KEY, from: ts[100]!, to: ts[40_000]! });
      expect(cols.close).toBeInstanceOf(Float64Array);
      expect(cols.close).toEqual(s.market.candles.range(KEY, ts[100]!, ts[40_000]!).close);
      expect(await w.call('candles.datasets', {})).toEqual(s.market.candles.datasets());
      expect(await w.call('audit.verify', {})).toEqual(s.ledger.audit.verify());
      expect(await w.call('audit.read', { fromSeq: 10, limit: 3 })).toEqual(s.ledger.audit.read({ fromSeq: 10, limit: 3 }));
      expect(await w.call('ledger.fills', {})).toEqual(s.ledger.ledger.fillsAfter(0));
      expect(await w.call('ledger.checkPositions', {})).toMatchObject({ ok: true, checked: 1 });
      expect(await w.call('db.integrityCheck', { db: 'ledger' })).toEqual(['ok']);
      // writes made after the worker opened are visible to it (WAL readers see the latest commit)
      s.ledger.audit.record('signal', { late: true });
      expect(await w.call('audit.verify', {})).toMatchObject({ ok: true, count: 201 });
      // errors come back typed
      await expect(w.call('candles.range', { key: { ...KEY, timeframe: 'bad' } })).rejects.toBeInstanceOf(ValidationError);
      await expect(w.call('nope' as 'candles.datasets', {})).rejects.toThrow(/Unknown SQL worker method/);
    } finally {
      await w.close();
      s.close();
    }
  });

  it('reports a database it cannot open as a StorageError', async () => {
    const dir = tempDir();
    const w = SqlWorker.start({ market: `${dir}/missing-market.db`, ledger: `${dir}/missing-ledger.db` });
    try {
      await expect(w.call('audit.verify', {})).rejects.toBeInstanceOf(StorageError);
    } finally {
      await w.close();
    }
  });
});
