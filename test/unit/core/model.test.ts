/** Exact money, the instrument grid and the order state machine table. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineInstrument, divRound, floatToTicks, money, moneyToString, notional, priceToTicks, qtyToLots, ticksToPrice } from '../../../main/core/model/index.ts';
import { canTransition, transition } from '../../../main/core/execution/state-machine.ts';
import { IllegalTransitionError, ValidationError } from '../../../main/core/errors.ts';
import { OrderManager } from '../../../main/core/execution/oms.ts';
import type { Order } from '../../../main/core/model/index.ts';
import { SPEC } from './engine-fixtures.ts';

describe('money', () => {
  it('parses and prints decimals exactly; sums do not drift (0.1 × 10 = 1)', () => {
    let s = 0n;
    for (let i = 0; i < 10; i++) s += money('0.1');
    expect(s).toBe(money('1'));
    expect(moneyToString(money('-12.3400'))).toBe('-12.34');
    expect(moneyToString(money('2.345'), 2)).toBe('2.34'); // half-even
    expect(() => money('1e5')).toThrow(ValidationError);
    expect(() => money('0.0000000000000000001')).toThrow(ValidationError);
  });

  it('prints every amount so that it parses back to itself, and rounds to fixed decimals half-even', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), (m, d) => {
        const text = moneyToString(m);
        expect(text).toMatch(/^-?\d+(\.\d*[1-9])?$/);
        expect(money(text)).toBe(m);
        const fixed = moneyToString(m, d);
        const [int, frac = ''] = fixed.replace('-', '').split('.');
        expect(frac.length).toBe(d);
        expect(int).toMatch(/^(0|[1-9]\d*)$/);
        const scale = 10n ** BigInt(18 - d);
        expect(money(fixed)).toBe(divRound(m, scale, 'half-even') * scale);
      }),
      { numRuns: 2000 },
    );
    expect([moneyToString(-5n), moneyToString(-5n, 2), moneyToString(money('0.125'), 2), moneyToString(money('7'), 0)]).toEqual(['-0.000000000000000005', '0.00', '0.12', '7']);
  });

  it('rounding modes are explicit', () => {
    expect([divRound(7n, 2n, 'floor'), divRound(7n, 2n, 'ceil'), divRound(7n, 2n, 'half-even'), divRound(5n, 2n, 'half-even'), divRound(-7n, 2n, 'floor'), divRound(-7n, 2n, 'trunc'), divRound(-5n, 2n, 'half-up')]).toEqual([3n, 4n, 4n, 2n, -4n, -3n, -3n]);
    expect(() => divRound(7n, 2n, 'exact')).toThrow(ValidationError);
  });
});

describe('instrument grid', () => {
  const inst = defineInstrument(SPEC);
  it('prices and quantities are integer ticks/lots; off-grid input is refused unless a rounding mode is given', () => {
    expect(priceToTicks(inst, '123.45')).toBe(12345);
    expect(() => priceToTicks(inst, '123.456')).toThrow(ValidationError);
    expect(priceToTicks(inst, '123.456', 'floor')).toBe(12345);
    expect(qtyToLots(inst, '0.5')).toBe(500);
    expect(ticksToPrice(inst, 12345)).toBe('123.45');
    expect(floatToTicks(inst, 123.45)).toBe(12345); // 123.45 / 0.01 = 12344.999… snaps
    expect(notional(inst, 12345, 500)).toBe(money('61.725'));
  });
  it('rejects a bad instrument with field issues', () => {
    try {
      defineInstrument({ ...SPEC, tickSize: '-1', lotSize: 'abc' });
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['tickSize', 'lotSize']);
    }
  });
});

describe('order state machine', () => {
  it('legal paths pass, final states are final, illegal moves throw and leave the order untouched', () => {
    const oms = new OrderManager('X');
    const o = oms.create({ symbol: 'BTC/USDT', side: 'buy', type: 'limit', qty: 10, price: 100 }, 'ticket', 'paper', 0);
    expect(o.clientOrderId).toBe('X-1');
    oms.move(o, 'accepted', 1);
    oms.move(o, 'pending-cancel', 2);
    oms.move(o, 'canceled', 3);
    expect(() => oms.move(o, 'filled', 4)).toThrow(IllegalTransitionError);
    expect(o.state).toBe('canceled');
    expect(o.updatedTs).toBe(3);
    for (const to of ['accepted', 'partially-filled', 'pending-submit', 'rejected'] as const) expect(canTransition('filled', to)).toBe(false);
    expect(canTransition('pending-submit', 'filled')).toBe(true); // fill may beat the ack
    expect(() => transition({ ...o, state: 'rejected' }, 'accepted', 5)).toThrow(/rejected → accepted/);
    expect(() => oms.create({ symbol: 'BTC/USDT', side: 'buy', type: 'market', qty: 1, clientOrderId: 'X-1' }, 'ticket', 'paper', 0)).toThrow(ValidationError);
  });
});

describe('order registry', () => {
  it('finds every order by id, generated or chosen, open or finished, and refuses every duplicate', () => {
    const chosenId = fc.oneof(fc.constantFrom('X-1', 'X-2', 'X-02', 'X-10', 'X-', 'X', 'Y-1', 'X-1-oco', 'X-99999999999999999'), fc.stringMatching(/^[A-Za-z0-9._:-]{1,12}$/));
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.option(chosenId, { nil: undefined }), finish: fc.boolean(), skipId: fc.boolean() }), { maxLength: 40 }), (steps) => {
        const oms = new OrderManager('X');
        const made: Order[] = [];
        const ids = new Set<string>();
        for (const st of steps) {
          if (st.skipId) oms.nextId(); // ids spent on OCO/bracket groups leave holes in the sequence
          const req = { symbol: 'BTC/USDT', side: 'buy' as const, type: 'market' as const, qty: 1, ...(st.id !== undefined ? { clientOrderId: st.id } : {}) };
          let o: Order;
          try {
            o = oms.create(req, 'ticket', 'paper', 0);
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
            // refused only as a duplicate: the id it asked for (or would have generated) is taken
            if (st.id !== undefined) expect(ids.has(st.id)).toBe(true);
            continue;
          }
          expect(ids.has(o.clientOrderId)).toBe(false);
          ids.add(o.clientOrderId);
          made.push(o);
          if (st.finish) oms.move(o, 'rejected', 1);
        }
        for (const o of made) expect(oms.get(o.clientOrderId)).toBe(o);
        expect([...oms.all()]).toEqual(made);
        expect(oms.get('X-0')).toBeUndefined();
        expect(oms.get('nope')).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

