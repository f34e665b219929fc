import { fmtMoney, fmtTime } from '../../app/format.ts';
import { chartStore } from '../../state/chart.ts';
import { useMarketReplay } from '../../state/market-replay.ts';
import { useTrading } from '../../state/trading.ts';

/**
 * The market column while a replay is shown: the replay's symbols at their replayed prices (a click charts one),
 * in place of the live watchlist, book and tape, which belong to the present, not to the replayed past.
 */
export function ReplayMarkets() {
  const status = useMarketReplay((s) => s.status);
  const prices = useTrading((s) => s.prices);
  const account = useTrading((s) => s.account);
  const charted = chartStore(0)((s) => s.symbol);
  if (!status) return null;
  return (
    <section className="panel mreplay-markets" aria-label="Replay markets">
      <div className="panel-header">
        <h2>Replay markets</h2>
      </div>
      <table className="mreplay-table" data-testid="replay-markets">
        <thead>
          <tr>
            <th>Market</th>
            <th className="num">Last</th>
          </tr>
        </thead>
        <tbody>
          {status.symbols.map((s) => (
            <tr key={s} className={s === charted ? 'active' : ''} onClick={() => void chartStore(0).getState().select({ source: status.account, symbol: s })}>
              <td>{s}</td>
              <td className="num">{prices[s] ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="mreplay-facts small">
        <dt>Data</dt>
        <dd>
          {status.source} · {status.timeframe}
        </dd>
        <dt>Range</dt>
        <dd className="num">
          {fmtTime(status.from, false)} → {fmtTime(status.to, false)}
        </dd>
        <dt>Account</dt>
        <dd className="num">
          {fmtMoney(account?.equity ?? status.equity, status.currency)} {status.currency} (started {fmtMoney(status.startingBalance, status.currency)})
        </dd>
      </dl>
      <p className="muted small mreplay-note">A replay has only its stored candles: no live book or trades. Its orders live in its own paper account.</p>
    </section>
  );
}
