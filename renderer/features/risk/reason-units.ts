import { fmtMoney } from '../../app/format.ts';

/** Rules whose limit is a share (1 = 100 %), in basis points, in money, or a multiple; the rest are counts. */
const SHARE = new Set(['max_position_pct_equity', 'drawdown_halt', 'drawdown_alert', 'correlation_bucket', 'max_var']);
const MONEY = new Set(['max_order_notional', 'max_position_notional', 'max_gross_exposure', 'max_net_exposure', 'buying_power']);

const pct = (n: number) => `${Number((n * 100).toFixed(2))}%`;

/**
 * A risk reason's limit or value written as the Risk panel writes the limit: "100%" (not "limit 1"), "500 bps (5%)",
 * money in the account currency, "3×". A value that is not a number (e.g. "equity<=0") is shown as it came.
 */
export function reasonValue(rule: string, v: string | number | undefined, currency?: string): string {
  if (v === undefined) return '?';
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'string' && (!v.trim() || !Number.isFinite(n))) return v;
  if (SHARE.has(rule)) return pct(n);
  if (rule === 'price_band') return `${Number(n.toFixed(1))} bps (${Number((n / 100).toFixed(2))}%)`;
  if (MONEY.has(rule)) return `${fmtMoney(String(v), currency)}${currency ? ` ${currency}` : ''}`;
  if (rule === 'max_leverage') return `${Number(n.toFixed(2))}×`;
  return String(v);
}
