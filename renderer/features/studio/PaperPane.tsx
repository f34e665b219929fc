import { useEffect, useState } from 'react';
import type { PaperStrategyView } from '../../../main/contract/paper-strategy.ts';
import { PAPER_STRATEGY_TIMEFRAMES } from '../../../main/contract/paper-strategy.ts';
import { useConnection } from '../../state/connection.ts';
import { usePaperStrategies } from '../../state/paper-strategies.ts';
import { useStudio } from '../../state/studio.ts';
import { forAccount, useTrading } from '../../state/trading.ts';
import { isReplayAccount } from '../../../main/contract/replay.ts';

type Timeframe = (typeof PAPER_STRATEGY_TIMEFRAMES)[number];

const REPLAY_SHOWN = 'The Trade workspace shows a market replay: strategies run in a paper account\'s session, not in a replay. Leave the replay to run in paper.';

/** "Run in paper" for the open saved strategy, and the strategies running in the paper session. */
export function PaperPane() {
  const connected = useConnection((s) => s.state === 'connected');
  const draft = useStudio((s) => s.draft);
  const list = useStudio((s) => s.list);
  const runs = usePaperStrategies((s) => s.runs);
  const instruments = useTrading((s) => s.instruments);
  // Runs join the selected account's paper session. While the Trade workspace shows a market replay, that is
  // not the account on screen: Run is refused here (and by the host) rather than start one out of sight.
  const session = useTrading((s) => s.session);
  const replay = isReplayAccount(session?.account);
  // Paper runs what was backtested: the backtest's symbol and timeframe, until the trader picks others here.
  const tested = useStudio((s) => s.config);
  const paperable = (tf: string): Timeframe => ((PAPER_STRATEGY_TIMEFRAMES as readonly string[]).includes(tf) ? (tf as Timeframe) : '1m');
  const [symbol, setSymbol] = useState(tested.symbol || 'BTC/USDT');
  const [timeframe, setTimeframe] = useState<Timeframe>(() => paperable(tested.timeframe));
  useEffect(() => setTimeframe(paperable(tested.timeframe)), [tested.timeframe]);
  useEffect(() => {
    if (tested.symbol) setSymbol(tested.symbol);
  }, [tested.symbol]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!connected) return;
    void usePaperStrategies.getState().load();
    if (!useTrading.getState().loaded) void useTrading.getState().load();
  }, [connected]);

  const saved = draft?.id && draft.version && !draft.dirty ? { id: draft.id, version: draft.version } : null;
  const mine = runs.filter((r) => r.state === 'running' && r.strategyId === draft?.id);
  const symbols = instruments.length ? instruments.map((i) => i.symbol) : [symbol];

  return (
    <div className="paper-pane" aria-label="Paper trading">
      <div className="toolbar">
        <strong className="small">Paper</strong>
        <select aria-label="Paper symbol" value={symbol} onChange={(e) => setSymbol(e.target.value)}>
          {symbols.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Paper timeframe" value={timeframe} onChange={(e) => setTimeframe(e.target.value as Timeframe)}>
          {PAPER_STRATEGY_TIMEFRAMES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button
          className="primary small"
          disabled={!saved || busy || replay}
          title={replay ? REPLAY_SHOWN : saved ? `Run v${saved.version} in ${session?.accountName ?? 'the paper session'}` : 'Save the strategy first: paper runs use saved versions'}
          onClick={async () => {
            if (!saved || replay) return;
            setBusy(true);
            await usePaperStrategies.getState().start({ strategyId: saved.id, version: saved.version, symbol, timeframe, ...forAccount() });
            setBusy(false);
          }}
        >
          Run in paper
        </button>
        {mine.length > 0 && (
          <button className="small danger-outline" onClick={() => mine.forEach((r) => void usePaperStrategies.getState().stop(r.runId))}>
            Stop
          </button>
        )}
        {session && !replay && (
          <span className="pill small" data-testid="paper-run-account" title="Runs join this account's paper session: the one the Trade workspace shows">
            {session.accountName}
          </span>
        )}
        {draft && !saved && <span className="muted small">save to run in paper</span>}
      </div>
      {replay && (
        <div className="muted small pad-x" data-testid="paper-run-replay">
          {REPLAY_SHOWN}
        </div>
      )}
      <h3 className="section pad-x">Running in paper</h3>
      {runs.length === 0 ? (
        <div className="muted pad-x small">Nothing running. Open a saved strategy and press Run in paper.</div>
      ) : (
        <ul className="paper-runs" data-testid="paper-runs">
          {[...runs].reverse().map((r) => (
            <RunRow key={r.runId} run={r} latest={list.find((s) => s.id === r.strategyId)?.latestVersion ?? r.version} />
          ))}
        </ul>
      )}
    </div>
  );
}

function RunRow({ run, latest }: { run: PaperStrategyView; latest: number }) {
  const live = run.state === 'running';
  const versions = Array.from({ length: Math.max(latest, run.version) }, (_, k) => k + 1);
  const canRollback = live && run.history.filter((h) => h.by !== 'rollback').length - run.history.filter((h) => h.by === 'rollback').length > 1;
  return (
    <li className={`paper-run ${live ? '' : 'ended'}`} data-testid="paper-run">
      <div className="paper-run-head">
        <strong>{run.name}</strong>
        <span>
          {run.symbol} · {run.timeframe}
        </span>
        <span title={run.hash}>
          v{run.version} <span className="muted">{run.hash.slice(0, 8)}</span>
        </span>
        <span className={`badge ${run.state === 'running' ? 'badge-ok' : run.state === 'error' ? 'badge-bad' : 'badge-muted'}`}>{run.state}</span>
      </div>
      <div className="paper-run-body">
        <span className="num">
          {run.orders} orders · {run.fills} fills{run.workingOrders > 0 ? ` · ${run.workingOrders} working` : ''}
        </span>
        <span className="num">pos {run.position}</span>
        <span className={`num ${run.pnl === '0' ? '' : run.pnl.startsWith('-') ? 'sell' : 'buy'}`}>P&amp;L {run.pnl}</span>
        <span className="grow-space" />
        {live && (
          <>
            <select
              aria-label={`Reload ${run.name} to version`}
              value=""
              onChange={(e) => {
                const v = Number(e.target.value);
                if (v) void usePaperStrategies.getState().reload(run.runId, { version: v });
              }}
            >
              <option value="">Reload…</option>
              {versions.map((v) => (
                <option key={v} value={v} disabled={v === run.version}>
                  v{v}
                </option>
              ))}
            </select>
            <button className="small" disabled={!canRollback} onClick={() => void usePaperStrategies.getState().reload(run.runId, { rollback: true })}>
              Rollback
            </button>
            <button className="small danger-outline" aria-label={`Stop ${run.name}`} onClick={() => void usePaperStrategies.getState().stop(run.runId)}>
              Stop
            </button>
          </>
        )}
      </div>
      {(run.lastError || run.lastRejection) && (
        <div className={run.lastError ? 'sell small' : 'muted small'}>
          {run.lastError ? `Stopped: ${run.lastError}` : `${run.rejections} order(s) refused by the risk gate; last: ${run.lastRejection}`}
        </div>
      )}
    </li>
  );
}
