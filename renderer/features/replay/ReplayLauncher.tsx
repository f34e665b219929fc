import { useEffect } from 'react';
import { useConnection } from '../../state/connection.ts';
import { useMarketReplay } from '../../state/market-replay.ts';
import { ReplaySetup } from './ReplaySetup.tsx';
import './replay.css';

/** "Replay…" next to the account switcher: opens the replay setup (a replay runs in the Trade workspace). */
export function ReplayLauncher() {
  const connected = useConnection((s) => s.state === 'connected');
  const open = useMarketReplay((s) => s.setupOpen);
  useEffect(() => {
    if (connected) void useMarketReplay.getState().load();
  }, [connected]);
  return (
    <>
      <button className="small" data-testid="replay-open" title="Practise on stored history with this ticket, chart and blotter, in a paper account of its own" onClick={() => useMarketReplay.getState().openSetup(true)}>
        Replay…
      </button>
      {open && (
        <div className="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && useMarketReplay.getState().openSetup(false)}>
          <div className="modal mreplay-modal" role="dialog" aria-modal="true" aria-label="Start a market replay">
            <h3>Market replay</h3>
            <ReplaySetup />
          </div>
        </div>
      )}
    </>
  );
}
