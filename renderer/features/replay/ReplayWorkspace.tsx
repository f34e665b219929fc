import { useEffect } from 'react';
import { useMarketReplay } from '../../state/market-replay.ts';
import { ReplayBlotter } from './ReplayBlotter.tsx';
import { MarketReplayChart } from './ReplayChart.tsx';
import { ReplaySetup } from './ReplaySetup.tsx';
import { ReplayTicket } from './ReplayTicket.tsx';
import { ReplayTransport } from './ReplayTransport.tsx';
import './replay.css';

/**
 * Market replay: practise on stored history (last month's crash at 50×) with a ticket, a chart that never shows
 * a bar beyond the replay clock, and a blotter — in a fresh paper account of the replay's own.
 */
export function ReplayWorkspace() {
  const status = useMarketReplay((s) => s.status);
  useEffect(() => void useMarketReplay.getState().load(), []);
  return (
    <div className="mreplay" data-testid="mreplay-workspace">
      <aside className="mreplay-side">
        <ReplaySetup />
        <ReplayTicket />
      </aside>
      <main className="mreplay-main">
        {status ? <ReplayTransport /> : <div className="muted mreplay-empty">Choose stored data and start a replay.</div>}
        <MarketReplayChart />
        {status && (
          <details className="fill-model-note mreplay-fill-model" data-testid="mreplay-fill-model">
            <summary className="small ghost">How replay fills work</summary>
            <p className="small">{status.fillModel}</p>
            {status.strategy && (
              <p className="small">
                Strategy {status.strategy.name} v{status.strategy.version}
                {status.strategyError ? ` stopped: ${status.strategyError}` : ' runs on the same kernel as a backtest.'}
              </p>
            )}
          </details>
        )}
        <ReplayBlotter />
      </main>
    </div>
  );
}
