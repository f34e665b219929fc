import { useMemo, useState } from 'react';
import type { FillView, OrderView } from '../../../main/contract/trading.ts';
import { fmtDecimal, fmtMoney, fmtPrice, fmtTime, signed, subDecimal } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { ConfirmDialog } from '../../app/ui/widgets.tsx';
import { useTrading } from '../../state/trading.ts';
import { AmendDialog, amendable } from './AmendDialog.tsx';
import { PositionsToolbar, positionColumns } from '../positions/positions.tsx';
import { AccountTab } from '../positions/AccountTab.tsx';

type Tab = 'positions' | 'open' | 'history' | 'fills' | 'account';

const sideCell = (side: string) => <span className={side === 'buy' || side === 'long' ? 'pos' : side === 'flat' ? 'muted' : 'neg'}>{side.toUpperCase()}</span>;

/** A price at its instrument's tick precision. */
const px = (symbol: string, v: string | null | undefined) => fmtPrice(v, useTrading.getState().instrument(symbol)?.tickSize);

function orderCols(withActions: boolean, cancel: (id: string) => void, modify: (o: OrderView) => void): Col<OrderView>[] {
  const cols: Col<OrderView>[] = [
    { id: 'time', header: 'Time', value: (o) => o.createdTs, cell: (o) => fmtTime(o.createdTs), width: 150 },
    { id: 'symbol', header: 'Symbol', value: (o) => o.symbol, width: 90, min: 76 },
    { id: 'side', header: 'Side', value: (o) => o.side, cell: (o) => sideCell(o.side), width: 50 },
    { id: 'type', header: 'Type', value: (o) => o.type + (o.groupKind ? ` (${o.groupKind})` : '') + (o.emulated ? ' · emulated' : ''), width: 130, min: 80 },
    { id: 'qty', header: 'Qty', value: (o) => o.qty, align: 'right', numeric: true, min: 64 },
    { id: 'filled', header: 'Filled', value: (o) => o.filledQty, align: 'right', numeric: true, min: 64 },
    { id: 'price', header: 'Price', value: (o) => o.price ?? '', align: 'right', numeric: true, cell: (o) => (o.price ? px(o.symbol, o.price) : 'market'), min: 80 },
    // A stop-limit has both: the trigger is never hidden behind the limit price.
    { id: 'trigger', header: 'Trigger', value: (o) => o.triggerPrice ?? '', align: 'right', numeric: true, cell: (o) => (o.triggerPrice ? px(o.symbol, o.triggerPrice) : ''), min: 80 },
    { id: 'avg', header: 'Avg fill', value: (o) => o.avgFillPrice, align: 'right', numeric: true, cell: (o) => (o.avgFillPrice ? px(o.symbol, o.avgFillPrice) : '—'), min: 80 },
    { id: 'state', header: 'State', value: (o) => o.state, cell: (o) => <span className={`state state-${o.state}`}>{o.state}</span>, width: 110, min: 80 },
    { id: 'source', header: 'Source', value: (o) => o.source, width: 70, min: 64 },
    { id: 'reason', header: 'Reason', value: (o) => o.reason ?? '', min: 64, cut: true },
    { id: 'id', header: 'Order id', value: (o) => o.clientOrderId, min: 72, clipStart: true },
  ];
  if (withActions)
    cols.push({
      id: 'actions',
      header: 'Actions',
      value: () => '',
      width: 136,
      pinned: true,
      cell: (o) => (
        <span className="row-actions">
          {amendable(o) && (
            <button className="small ghost" onClick={() => modify(o)} aria-label={`Modify ${o.clientOrderId}`}>
              Modify
            </button>
          )}
          <button className="small ghost danger-text" onClick={() => cancel(o.clientOrderId)} aria-label={`Cancel ${o.clientOrderId}`} disabled={o.state === 'pending-cancel'}>
            Cancel
          </button>
        </span>
      ),
    });
  return cols;
}

const fillCols: Col<FillView>[] = [
  { id: 'time', header: 'Time', value: (f) => f.ts, cell: (f) => fmtTime(f.ts), width: 150, min: 146 },
  { id: 'symbol', header: 'Symbol', value: (f) => f.symbol, width: 90, min: 72 },
  { id: 'side', header: 'Side', value: (f) => f.side, cell: (f) => sideCell(f.side), width: 50, min: 44 },
  { id: 'qty', header: 'Qty', value: (f) => f.qty, align: 'right', numeric: true, min: 60 },
  { id: 'price', header: 'Price', value: (f) => f.price, align: 'right', numeric: true, cell: (f) => px(f.symbol, f.price), min: 78 },
  { id: 'notional', header: 'Notional', value: (f) => f.notional, align: 'right', numeric: true, cell: (f) => fmtDecimal(f.notional, 2, 2), min: 74 },
  { id: 'fee', header: 'Fee', value: (f) => f.fee, align: 'right', numeric: true, cell: (f) => `${fmtMoney(f.fee, f.feeCurrency)} ${f.feeCurrency}`, min: 80 },
  { id: 'liq', header: 'Role', value: (f) => f.liquidity, width: 58, min: 48 },
  // Paper fills against a book: how far the fill was from the touch it saw (against the trader).
  { id: 'slippage', header: 'Slippage', value: (f) => f.slippage ?? '', align: 'right', numeric: true, cell: (f) => (f.slippage ? <span title={`touch ${f.touch ?? ''}`}>{px(f.symbol, f.slippage)}</span> : '—'), min: 70 },
  { id: 'order', header: 'Order id', value: (f) => f.clientOrderId, min: 56, clipStart: true },
  { id: 'trade', header: 'Trade id', value: (f) => f.tradeId, min: 56, clipStart: true },
];

export function BlotterPanel() {
  const [tab, setTab] = useState<Tab>('open');
  const [confirmAll, setConfirmAll] = useState(false);
  const { positions, openOrders, history, fills, account, loaded } = useTrading();
  const [modifying, setModifying] = useState<OrderView | null>(null);
  const cancel = (id: string) => void useTrading.getState().cancel(id);
  const openCols = useMemo(() => orderCols(true, cancel, setModifying), []);
  const histCols = useMemo(() => orderCols(false, cancel, setModifying), []);
  const hasPerp = useTrading((s) => s.instruments.some((i) => i.kind === 'perpetual'));
  const positionCols = useMemo(() => positionColumns(hasPerp), [hasPerp]);
  const livePositions = positions.filter((p) => p.side !== 'flat' || Number(p.realizedPnl) !== 0);
  const tabs: { id: Tab; label: string; n: number }[] = [
    { id: 'positions', label: 'Positions', n: livePositions.filter((p) => p.side !== 'flat').length },
    { id: 'open', label: 'Open orders', n: openOrders.length },
    { id: 'history', label: 'Order history', n: history.length },
    { id: 'fills', label: 'Fills', n: fills.length },
    { id: 'account', label: 'Account', n: -1 },
  ];
  const eq = account ? signed(account.unrealizedPnl) : null;
  const rp = account ? signed(account.realizedPnl) : null;
  const net = account ? signed(subDecimal(account.equity, account.startingBalance)) : null;

  return (
    <div className="panel-body" data-testid="panel-blotter">
      <div className="panel-header blotter-header">
        <div className="tabs" role="tablist" aria-label="Blotter">
          {tabs.map((x) => (
            <button key={x.id} role="tab" aria-selected={tab === x.id} className={tab === x.id ? 'tab active' : 'tab'} onClick={() => setTab(x.id)}>
              {x.label} {x.n >= 0 && <span className="count">{x.n}</span>}
            </button>
          ))}
        </div>
        {account && (
          <div className="account-strip" data-testid="account">
            <span>
              Equity <b className="num" data-testid="equity">{fmtMoney(account.equity, account.currency)}</b> {account.currency}
            </span>
            <span>
              Cash <b className="num">{fmtMoney(account.cash, account.currency)}</b>
            </span>
            <span>
              Unrealized <b className={`num ${eq!.cls}`} data-testid="unrealized">{eq!.text}</b>
            </span>
            <span title="Realized P&L before fees (gross); Net P&L is after every fee, unrealized included">
              Gross <b className="num" data-testid="realized">{rp!.text}</b>
            </span>
            <span>
              Fees <b className="num">{fmtMoney(account.fees, account.currency)}</b>
            </span>
            <span title="Equity minus the starting balance: realized and unrealized P&L after every fee">
              Net P&amp;L <b className={`num ${net!.cls}`} data-testid="net-pnl">{net!.text}</b>
            </span>
          </div>
        )}
      </div>
      <div className="blotter-body" role="tabpanel">
        {tab === 'positions' && <DataTable label="Positions" testId="positions" columns={positionCols} rows={livePositions} rowKey={(p) => p.symbol} exportName="positions" empty={loaded ? 'No positions. Fills open one.' : 'Loading…'} toolbar={<PositionsToolbar positions={livePositions} />} />}
        {tab === 'open' && (
          <DataTable
            label="Open orders"
            testId="open-orders"
            columns={openCols}
            rows={openOrders}
            rowKey={(o) => o.clientOrderId}
            exportName="open-orders"
            empty={loaded ? 'No open orders. Press B or S to open the ticket.' : 'Loading…'}
            toolbar={
              <button className="small danger-outline" disabled={!openOrders.length} onClick={() => setConfirmAll(true)}>
                Cancel all
              </button>
            }
          />
        )}
        {tab === 'history' && <DataTable label="Order history" testId="order-history" columns={histCols} rows={history} rowKey={(o) => o.clientOrderId} exportName="order-history" empty="No orders in this session yet." />}
        {tab === 'account' && <AccountTab />}
        {tab === 'fills' && <DataTable label="Fills" testId="fills" columns={fillCols} rows={fills} rowKey={(f) => f.tradeId} exportName="fills" empty="No fills yet." />}
      </div>
      {confirmAll && (
        <ConfirmDialog
          title="Cancel all open orders?"
          confirmLabel={`Cancel ${openOrders.length} order${openOrders.length === 1 ? '' : 's'}`}
          danger
          onCancel={() => setConfirmAll(false)}
          onConfirm={() => {
            setConfirmAll(false);
            void useTrading.getState().cancelAll();
          }}
        >
          Every working order of this session is asked to cancel. Fills that already happened stay.
        </ConfirmDialog>
      )}
      {modifying && <AmendDialog order={modifying} onClose={() => setModifying(null)} />}
    </div>
  );
}
