import { describe, expect, it } from 'vitest';
import { reasonValue } from '../../../renderer/features/risk/reason-units.ts';

describe('risk reasons in the Risk panel’s units', () => {
  it('writes a share of equity as a percentage, not "limit 1"', () => {
    expect(reasonValue('max_position_pct_equity', 1)).toBe('100%');
    expect(reasonValue('max_position_pct_equity', 1.2345)).toBe('123.45%');
    expect(reasonValue('drawdown_halt', '0.05')).toBe('5%');
  });
  it('writes the price band in bps with its percentage', () => {
    expect(reasonValue('price_band', 500)).toBe('500 bps (5%)');
    expect(reasonValue('price_band', 1001.0078)).toBe('1001 bps (10.01%)');
  });
  it('writes money in the account currency, leverage as a multiple, counts as they are', () => {
    expect(reasonValue('max_order_notional', '25000', 'USDT')).toBe('25,000.00 USDT');
    expect(reasonValue('max_leverage', 3)).toBe('3×');
    expect(reasonValue('max_open_orders', 51)).toBe('51');
  });
  it('keeps a value that is not a number', () => {
    expect(reasonValue('max_position_pct_equity', 'equity<=0')).toBe('equity<=0');
    expect(reasonValue('max_var', undefined)).toBe('?');
  });
});
