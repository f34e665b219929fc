import { fmtMoney, fmtTime, signed, subDecimal } from '../../app/format.ts';
import { useMarketReplay } from '../../state/market-replay.ts';

/** The replay account: equity against its own starting balance, its orders (cancel the working ones) and fills. */
export function ReplayBlotter() {
  const { status, orders, fills, account } = useMarketReplay();
  if (!status) return null;
  const net = account ? signed(subDecimal(account.equity, account.startingBalance)) : null;
  return (
    <section className="mreplay-blotter" aria-label="Replay blotter" data-testid="mreplay-blotter">
      {account && (
        <div className="account-strip">
          <span>
            Equity <b className="num" data-testid="mreplay-equity">{fmtMoney(account.equity, account.currency)}</b> {account.currency}
          </span>
          <span>
            Cash <b className="num">{fmtMoney(account.cash, account.currency)}</b>
          </span>
          <span>
            Fees <b className="num">{fmtMoney(account.fees, account.currency)}</b>
          </span>
          <span>
            Net P&amp;L <b className={`num ${net!.cls}`}>{net!.text}</b>
          </span>
          {account.balances?.map((b) => (
            <span key={b.asset}>
              {b.asset} <b className="num">{b.total}</b>
            </span>
          ))}
        </div>
      )}
      <div className="mreplay-tables">
        <table className="mreplay-table" aria-label="Replay orders" data-testid="mreplay-orders">
          <thead>
            <tr>
              <th>Time</th>
              <th>Side</th>
              <th>Type</th>
              <th>Qty</th>
              <th>Price</th>
              <th>Filled</th>
              <th>State</th>
              <th>From</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 && (
              <tr>
                <td colSpan={9} className="muted">
                  No orders yet.
                </td>
              </tr>
            )}
            {orders.map((o) => (
              <tr key={o.clientOrderId} data-state={o.state}>
                <td>{fmtTime(o.createdTs)}</td>
                <td className={o.side}>{o.side}</td>
                <td>{o.type}</td>
                <td className="num">{o.qty}</td>
                <td className="num">{o.price ?? o.avgFillPrice ?? '—'}</td>
                <td className="num">{o.filledQty}</td>
                <td>{o.state}</td>
                <td>{o.source}</td>
                <td>
                  {o.open && (
                    <button className="small" onClick={() => void useMarketReplay.getState().cancel(o.clientOrderId)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="mreplay-table" aria-label="Replay fills" data-testid="mreplay-fills">
          <thead>
            <tr>
              <th>Time</th>
              <th>Side</th>
              <th>Qty</th>
              <th>Price</th>
              <th>Fee</th>
            </tr>
          </thead>
          <tbody>
            {fills.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No fills yet.
                </td>
              </tr>
            )}
            {fills.map((f) => (
              <tr key={f.tradeId}>
                <td>{fmtTime(f.ts)}</td>
                <td className={f.side}>{f.side}</td>
                <td className="num">{f.qty}</td>
                <td className="num">{f.price}</td>
                <td className="num">{f.fee}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
