import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../main/core/audit/replay.ts';
import { AuditUnits, group, moneyDecimals } from '../../../main/host/audit/units.ts';

const start: RecordedEvent = {
  type: 'session-start', ts: 0, seq: 1, session: 'S', payload: {
    config: { data: { feed: 'demo' }, portfolio: { cash: { USDT: '10000' } }, instruments: [{ symbol: 'BTC/USDT', venue: 'paper', base: 'BTC', quote: 'USDT', kind: 'spot', tickSize: '0.01', lotSize: '0.00001' }] },
  },
} as unknown as RecordedEvent;
const ev = (type: string, payload: object, symbol = 'BTC/USDT') => ({ type, ts: 1, seq: 2, session: 'S', symbol, payload }) as unknown as RecordedEvent;
const u = AuditUnits.of([start]);

describe('audit events in a person\'s units', () => {
  it('reads the issue\'s order as 0.01 BTC at 49,500.00, not 1000 lots at 4950000 ticks', () => {
    expect(u.describe(ev('order', { event: 'accepted', order: { side: 'buy', type: 'limit', qty: 1000, price: 4_950_000, state: 'accepted' } }))).toBe('accepted buy limit 0.01 BTC @ 49,500.00 → accepted');
  });
  it('fees in atto-units become money rounded (not truncated) to the currency\'s decimals', () => {
    expect(u.describe(ev('fill', { fill: { side: 'sell', qty: 1000, price: 4_950_000, fee: '494995000000000000', feeCurrency: 'USDT', liquidity: 'taker' } }))).toBe('sell 0.01 BTC @ 49,500.00 fee 0.49 USDT (taker)');
    expect(u.atto('7491948000000000000000', 'USDT')).toBe('7491.95');
    expect(u.money('9994.923540079999', 'USDT')).toBe('9994.92');
    expect(u.money(9994.925, 'USD')).toMatch(/^9994\.9[23]$/);
    expect(u.money('0.123456789', 'BTC')).toBe('0.12345679');
    expect(moneyDecimals('ETH')).toBe(8);
  });
  it('bars show values, not field names; sessions their cash in money', () => {
    expect(u.describe(ev('bar', { open: 1, high: 2.5, low: 0.5, close: 2, equity: 9994.923540079999 }))).toBe('O 1.00 H 2.50 L 0.50 C 2.00 · equity 9,994.92 USDT');
    expect(u.describe(start)).toBe('paper session · on BTC/USDT · cash 10,000.00 USDT');
  });
  it('an unknown instrument keeps raw values and says which unit they are in', () => {
    expect(u.describe(ev('order', { event: 'created', order: { side: 'buy', type: 'limit', qty: 5, price: 7, state: 'new' } }, 'XYZ/USD'))).toBe('created buy limit 5 lots @ 7 ticks → new');
  });
  it('groups thousands without touching the digits', () => {
    expect(group('-1234567.891')).toBe('-1,234,567.891');
    expect(group('999')).toBe('999');
  });
});
