/** The determinism hash's fill lines: the bytes written straight into the buffer equal the joined text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FillLines } from '../../../main/core/backtest/fill-lines.ts';
import type { Fill } from '../../../main/core/model/index.ts';

/** The lines kept in one growing buffer, through a buffer used before (as a sweep lends it run after run). */
const kept = new FillLines();
function keep(fills: Fill[], tagOf: (id: string) => string | undefined): Uint8Array {
  kept.clear();
  for (const f of fills) kept.add(f, tagOf(f.clientOrderId));
  return kept.bytes();
}

const text = (fills: Fill[], tagOf: (id: string) => string | undefined): string =>
  fills.map((f) => `${f.venue}|${f.tradeId}|${f.clientOrderId}|${f.symbol}|${f.side}|${f.qty}|${f.price}|${f.fee}|${f.liquidity}|${f.ts}|${tagOf(f.clientOrderId) ?? ''}`).join('\n');

const fill = fc.record({
  venue: fc.string(), tradeId: fc.string({ unit: 'grapheme', maxLength: 30 }), clientOrderId: fc.string(), symbol: fc.constantFrom('BTC/USDT', 'ÉTH/€', 'X'),
  side: fc.constantFrom('buy' as const, 'sell' as const), qty: fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true })), price: fc.integer({ min: -1e9, max: 1e12 }),
  fee: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), feeCurrency: fc.constant('USDT'), liquidity: fc.constantFrom('maker' as const, 'taker' as const),
  ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(-0)),
}) as fc.Arbitrary<Fill>;

describe('determinism hash fill lines', () => {
  it('are exactly the UTF-8 of the fills joined as text, whatever the ids, tags and numbers', () => {
    fc.assert(
      fc.property(fc.array(fill, { maxLength: 40 }), fc.dictionary(fc.string(), fc.string({ unit: 'binary' })), (fills, tags) => {
        const tagOf = (id: string): string | undefined => (Object.hasOwn(tags, id) ? tags[id] : undefined);
        expect(Buffer.from(keep(fills, tagOf)).toString('hex')).toBe(Buffer.from(text(fills, tagOf), 'utf8').toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('spans many buffers and fields longer than one buffer', () => {
    const base: Fill = { venue: 'paper', tradeId: 't', clientOrderId: 'c', symbol: 'BTC/USDT', side: 'buy', qty: 1, price: 2, fee: 3n, feeCurrency: 'USDT', liquidity: 'taker', ts: 4 };
    const fills = Array.from({ length: 5000 }, (_, k) => ({ ...base, tradeId: `t-${k}`, qty: k }));
    fills[2500] = { ...fills[2500]!, clientOrderId: 'x'.repeat(200_000) };
    fills[2501] = { ...fills[2501]!, clientOrderId: 'é'.repeat(70_000) };
    const tagOf = (id: string): string => (id === 'c' ? 'exit' : 'ü');
    expect(Buffer.from(keep(fills, tagOf)).equals(Buffer.from(text(fills, tagOf), 'utf8'))).toBe(true);
  });
});
