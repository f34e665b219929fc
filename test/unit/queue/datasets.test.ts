import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DatasetCache, packDataset, sha256Hex, unpackDataset } from '../../../workers/queue/datasets.ts';
import { KestrelError } from '../../../main/core/errors.ts';
import type { DatasetInput } from '../../../workers/backtest/types.ts';

const dataset = (rows: number[][], synthetic?: number[]): DatasetInput => {
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k]!));
  return { symbol: 'ETH/USDT', source: 'test ☂', columns: { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5), ...(synthetic ? { synthetic: Uint8Array.from(synthetic) } : {}) } };
};

describe('datasets by content hash', () => {
  it('round-trips every float bit for bit, with or without the synthetic column', () => {
    const row = fc.array(fc.double(), { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.boolean(), (rows, synth) => {
        const d = dataset(rows, synth ? rows.map((_, i) => i % 2) : undefined);
        const p = packDataset(d);
        expect(p.hash).toBe(sha256Hex(p.bytes));
        const back = unpackDataset(p.bytes);
        expect(back.symbol).toBe(d.symbol);
        expect(back.source).toBe(d.source);
        for (const k of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) expect(Array.from(back.columns[k]).map((x) => Object.is(x, -0) ? '-0' : String(x))).toEqual(Array.from(d.columns[k]).map((x) => Object.is(x, -0) ? '-0' : String(x)));
        expect(back.columns.synthetic ? Array.from(back.columns.synthetic) : undefined).toEqual(d.columns.synthetic ? Array.from(d.columns.synthetic) : undefined);
        expect(back.columns.ts.buffer).toBeInstanceOf(SharedArrayBuffer);
      }),
    );
  });

  it('refuses truncated, padded and headerless blobs with a typed error', () => {
    const p = packDataset(dataset([[1, 2, 3, 1, 2, 9]]));
    for (const bad of [p.bytes.subarray(0, p.bytes.length - 1), Buffer.concat([p.bytes, Buffer.alloc(8)]), Buffer.from('no header here'), Buffer.from('{"symbol":"X","source":"","rows":-1,"synthetic":false}\n')]) {
      expect(() => unpackDataset(bad)).toThrow(KestrelError);
    }
  });

  it('fetches a dataset once, refuses one whose bytes do not match its hash, and says when it is missing', async () => {
    const p = packDataset(dataset([[1, 2, 3, 1, 2, 9], [2, 2, 3, 1, 2, 9]]));
    const cache = new DatasetCache();
    let loads = 0;
    const load = async () => (loads++, p.bytes);
    const a = await cache.get(p.hash, load);
    const b = await cache.get(p.hash, load);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    expect(cache.fetched).toBe(1);

    const tampered = Buffer.from(p.bytes);
    tampered[tampered.length - 1] ^= 1;
    await expect(cache.get('0'.repeat(64), async () => tampered)).rejects.toMatchObject({ code: 'data_quality' });
    await expect(cache.get('1'.repeat(64), async () => null)).rejects.toMatchObject({ code: 'not_found' });
    // A failed fetch is not cached: the next try loads again.
    await expect(cache.get('1'.repeat(64), async () => null)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps within its row bound by dropping the least recently used dataset', async () => {
    const mk = (n: number) => packDataset(dataset(Array.from({ length: n }, (_, i) => [i, 1, 1, 1, 1, 1])));
    const [x, y, z] = [mk(3), mk(4), mk(5)];
    const cache = new DatasetCache(9);
    let loads = 0;
    const get = (p: ReturnType<typeof mk>) => cache.get(p.hash, async () => (loads++, p.bytes));
    await get(x);
    await get(y);
    await get(x); // x is now the most recent
    await get(z); // 3 + 4 + 5 > 9: y goes
    expect(loads).toBe(3);
    await get(x);
    expect(loads).toBe(3);
    await get(y);
    expect(loads).toBe(4);
  });
});
