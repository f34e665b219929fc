/**
 * The positions table (in the blotter's Positions tab): entry, mark (a perpetual's venue mark price), size, P&L,
 * fees, funding, liquidation price, margin mode and leverage, and per row Close (a market order for the whole size, opposite side) and Reverse (perpetuals: twice
 * the size, so the position flips); Flatten all closes every position after a confirmation. Orders go the
 * way every order goes (trading.submit → risk gate → venue); a refusal lands as a notice with its reason.
 */
import { useState } from 'react';
import type { PositionView } from '../../../main/contract/trading.ts';
import { fmtMoney, fmtPrice, moneyDecimals, signed, subDecimal } from '../../app/format.ts';
import type { Col } from '../../app/ui/DataTable.tsx';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { call } from '../../ipc/client.ts';
import { forAccount, useTrading } from '../../state/trading.ts';
import { useNotices } from '../../state/notices.ts';
import { FillModelNote } from './FillModelNote.tsx';

const px = (symbol: string, v: string | null | undefined) => fmtPrice(v, useTrading.getState().instrument(symbol)?.tickSize);
const pnlCell = (v: string, decimals: number) => {
  const s = signed(v, decimals);
  return <span className={s.cls}>{s.text}</span>;
};
const sideCell = (side: string) => <span className={side === 'long' ? 'pos' : side === 'flat' ? 'muted' : 'neg'}>{side.toUpperCase()}</span>;
const abs = (q: string) => q.replace(/^-/, '');
/** Realized P&L after fees and funding: what closing trades left the trader. */
const netOf = (p: PositionView) => subDecimal(subDecimal(p.realizedPnl, p.fees), p.funding ?? '0');

/** Closes (`times` 1) or reverses (`times` 2) a position with one market order. */
export async function closePosition(p: PositionView, times: 1 | 2): Promise<void> {
  if (p.side === 'flat') return;
  // Exact decimal: twice the size is size − (−size).
  const qty = times === 1 ? abs(p.qty) : subDecimal(abs(p.qty), `-${abs(p.qty)}`);
  // A close is reduce-only, as a venue's close button is: it never opens the other side if the position shrank
  // meanwhile, and a remainder under the minimum notional can still be closed (filters.ts).
  const r = await call('trading.submit', { symbol: p.symbol, side: p.side === 'long' ? 'sell' : 'buy', type: 'market', qty, ...(times === 1 ? { reduceOnly: true } : {}), ...forAccount() });
  const o = r?.orders[0];
  if (o) useNotices.getState().push({ level: o.state === 'rejected' ? 'error' : 'info', title: `${times === 1 ? 'Close' : 'Reverse'} ${p.symbol}: ${o.state}`, message: o.reason ?? `${o.side} ${o.qty} at market` });
  void useTrading.getState().refresh();
}

/** `perpetuals`: the account trades perpetuals (a spot account has no liquidation price, margin or funding to show). */
export function positionColumns(perpetuals = true): Col<PositionView>[] {
  const perp = (s: string) => useTrading.getState().instrument(s)?.kind === 'perpetual';
  // Money in the account's currency with its decimals (cents for USDT), the same in every money column.
  const ccy = () => useTrading.getState().account?.currency;
  const money = (v: string | undefined) => fmtMoney(v ?? '0', ccy());
  const pnl = (v: string) => pnlCell(v, moneyDecimals(ccy()));
  // What a futures trader watches first comes first (entry, mark, liquidation, P&L, margin): the panel is narrow at 1280 px.
  const cols: Col<PositionView>[] = [
    // Wide enough for a perpetual's full name (BTC/USDT:USDT): the settle suffix is what tells it from the pair.
    { id: 'symbol', header: 'Symbol', value: (p) => p.symbol, width: 130, min: 126 },
    { id: 'side', header: 'Side', value: (p) => p.side, cell: (p) => sideCell(p.side), width: 52, min: 46 },
    { id: 'qty', header: 'Qty', value: (p) => p.qty, align: 'right', numeric: true, min: 58 },
    { id: 'avg', header: 'Entry', value: (p) => p.avgPrice, align: 'right', numeric: true, cell: (p) => px(p.symbol, p.avgPrice), min: 80 },
    {
      id: 'mark', header: 'Mark', value: (p) => p.markPrice, align: 'right', numeric: true, min: 80,
      // Perpetuals are valued at the venue's mark price (what liquidates them); until its first one, and for spot, the last price.
      cell: (p) => <span title={p.markSource === 'mark' ? "The venue's mark price: P&L and liquidation use it" : 'Last price (no mark price from the venue yet)'} data-mark-source={p.markSource ?? 'last'}>{px(p.symbol, p.markPrice)}{perp(p.symbol) && p.markSource !== 'mark' && p.side !== 'flat' ? <span className="muted"> (last)</span> : null}</span>,
    },
    { id: 'liq', header: 'Liq. price', value: (p) => p.liquidationPrice ?? '', align: 'right', numeric: true, cell: (p) => (p.liquidationPrice ? <span className="neg" data-testid={`liq-${p.symbol}`}>{px(p.symbol, p.liquidationPrice)}</span> : '—'), min: 80 },
    { id: 'upnl', header: 'Unrealized P&L', value: (p) => p.unrealizedPnl, align: 'right', numeric: true, cell: (p) => pnl(p.unrealizedPnl), min: 86 },
    {
      id: 'margin', header: 'Margin', value: (p) => p.margin, align: 'right', numeric: true, min: 124,
      cell: (p) => (p.leverage && p.marginMode ? <span data-testid={`margin-${p.symbol}`} title={`Initial margin at ${p.leverage}×, ${p.marginMode} margin`}>{p.side === 'flat' ? '' : `${money(p.margin)} · `}<span className="muted">{p.marginMode === 'cross' ? 'Cross' : 'Iso'} {p.leverage}×</span></span> : '—'),
    },
    { id: 'notional', header: 'Notional', value: (p) => p.notional, align: 'right', numeric: true, cell: (p) => money(p.notional), min: 80 },
    { id: 'rpnl', header: 'Realized gross', value: (p) => p.realizedPnl, align: 'right', numeric: true, cell: (p) => pnl(p.realizedPnl), min: 80 },
    { id: 'fees', header: 'Fees', value: (p) => p.fees, align: 'right', numeric: true, cell: (p) => money(p.fees), min: 64 },
    // Coloured by what the trader keeps: a gross gain eaten by fees (and funding paid) is a loss.
    { id: 'net', header: 'Realized net', value: (p) => netOf(p), align: 'right', numeric: true, cell: (p) => pnl(netOf(p)), min: 80 },
    // Paid (+) or received (−), as the host books it.
    { id: 'funding', header: 'Funding', value: (p) => p.funding ?? '0', align: 'right', numeric: true, cell: (p) => (perp(p.symbol) ? money(p.funding) : '—'), min: 72 },
    {
      id: 'actions', header: 'Actions', value: () => '', width: 140, pinned: true,
      cell: (p) =>
        p.side === 'flat' ? null : (
          <span className="row-actions">
            <button className="small ghost" onClick={() => void closePosition(p, 1)} aria-label={`Close ${p.symbol}`}>
              Close
            </button>
            <button className="small ghost" onClick={() => void closePosition(p, 2)} aria-label={`Reverse ${p.symbol}`} disabled={!perp(p.symbol)} title={perp(p.symbol) ? 'Flip the position' : 'A spot holding cannot go short'}>
              Reverse
            </button>
          </span>
        ),
    },
  ];
  return perpetuals ? cols : cols.filter((c) => !PERP_ONLY.has(c.id));
}

const PERP_ONLY = new Set(['liq', 'margin', 'funding']);

/** The positions tab's toolbar: the paper fill model's assumptions and Flatten all. */
export function PositionsToolbar({ positions }: { positions: readonly PositionView[] }) {
  return (
    <>
      <FillModelNote />
      <FlattenAll positions={positions} />
    </>
  );
}

/** "Flatten all" with its confirmation: closes every open position at market. */
export function FlattenAll({ positions }: { positions: readonly PositionView[] }) {
  const [asking, setAsking] = useState(false);
  const open = positions.filter((p) => p.side !== 'flat');
  return (
    <>
      <button className="small danger" disabled={open.length === 0} onClick={() => setAsking(true)}>
        Flatten all
      </button>
      {asking && (
        <ConfirmDialog title="Flatten all positions?" confirmLabel={`Close ${open.length} position${open.length === 1 ? '' : 's'}`} danger onCancel={() => setAsking(false)} onConfirm={() => {
          setAsking(false);
          for (const p of open) void closePosition(p, 1);
        }}>
          Every open position is closed with a market order: {open.map((p) => `${p.side} ${abs(p.qty)} ${p.symbol}`).join(', ')}.
        </ConfirmDialog>
      )}
    </>
  );
}
