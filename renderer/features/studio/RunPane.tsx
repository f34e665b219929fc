import { useEffect, useState } from 'react';
import { fmtNum } from '../../app/format.ts';
import { ProgressBar } from '../../app/ui/widgets.tsx';
import { TIMEFRAMES, useChart } from '../../state/chart.ts';
import { recordable, runKey, useStudio, type SweepCluster } from '../../state/studio.ts';
import { Results } from './Results.tsx';
import { SweepResults } from './SweepResults.tsx';

export function RunPane() {
  const { draft, config, run, result, sweep, validation, clusters, sweepTarget, ranWith, windowNote } = useStudio();
  const datasets = useChart((s) => s.datasets);
  // The first bar of the chosen data: what an empty From means.
  const firstTs = datasetsFirst(datasets, config.dataSource, config.symbol);
  const stale = !!result && ranWith !== null && ranWith !== runKey(draft, config);
  const [view, setView] = useState<'backtest' | 'sweep'>('backtest');
  const [ranges, setRanges] = useState<Record<string, string>>({});
  const set = useStudio.getState().setConfig;
  const symbols = [...new Set(datasets.filter((d) => d.source === config.dataSource).map((d) => d.symbol))];
  const sources = [...new Set(datasets.map((d) => d.source))];
  const running = run?.status === 'running';
  const paramNames = paramsOf(draft?.source);
  const grid = Object.fromEntries(paramNames.map((p) => [p, (ranges[p] ?? '').split(/[\s,]+/).filter(Boolean).map(Number)]));
  const sweepable = Object.values(grid).some((v) => v.length > 0 && v.every(Number.isFinite));
  const chosen = clusters.find((c) => c.id === sweepTarget);
  useEffect(() => {
    if (view === 'sweep') void useStudio.getState().loadClusters();
  }, [view]);

  return (
    <section className="studio-run" aria-label="Backtest">
      <div className="run-config">
        <div className="two">
          <label className="field">
            <span>Data</span>
            <select aria-label="Data source" value={config.dataSource} onChange={(e) => set({ dataSource: e.target.value })}>
              {sources.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Symbol</span>
            <select aria-label="Backtest symbol" value={config.symbol} onChange={(e) => set({ symbol: e.target.value })}>
              {symbols.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
        </div>
        <div className="three">
          <label className="field">
            <span>Timeframe</span>
            <select aria-label="Backtest timeframe" value={config.timeframe} onChange={(e) => set({ timeframe: e.target.value })}>
              {TIMEFRAMES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>From</span>
            <input type="date" aria-label="Backtest from" value={config.from} onChange={(e) => set({ from: e.target.value })} title="Empty: the first day of the data (filled in when the run starts)" />
          </label>
          <label className="field">
            <span>To</span>
            <input type="date" aria-label="Backtest to" value={config.to} onChange={(e) => set({ to: e.target.value })} title="Empty: today, 00:00 UTC (filled in when the run starts)" />
          </label>
        </div>
        <div className="two">
          <label className="field">
            <span>Initial cash</span>
            <input aria-label="Initial cash" value={config.initialCash} onChange={(e) => set({ initialCash: e.target.value })} />
          </label>
          <label className="field">
            <span>Fee rate (%)</span>
            <input aria-label="Fee rate" inputMode="decimal" value={config.fee} onChange={(e) => set({ fee: e.target.value })} title="Percent of the notional, as in Settings: 0.1 means 0.1 %" />
          </label>
        </div>
        <label className="field">
          <span>Risk limits</span>
          <select aria-label="Risk limits" title="The selected account's risk profile gates the run as it gates that account's paper or live orders" value={config.risk} onChange={(e) => set({ risk: e.target.value === 'config' ? 'config' : 'account' })}>
            <option value="account">The account's risk profile (as in paper and live)</option>
            <option value="config">None (no limits)</option>
          </select>
        </label>
        <div className="tabs sub-tabs" role="tablist">
          <button role="tab" aria-selected={view === 'backtest'} className={view === 'backtest' ? 'tab active' : 'tab'} onClick={() => setView('backtest')}>
            Backtest
          </button>
          <button role="tab" aria-selected={view === 'sweep'} className={view === 'sweep' ? 'tab active' : 'tab'} onClick={() => setView('sweep')} disabled={draft?.kind === 'code'}>
            Sweep
          </button>
        </div>
        {view === 'sweep' && (
          <div className="param-grid">
            {paramNames.map((p) => (
              <label className="field" key={p}>
                <span>{p} values</span>
                <input aria-label={`Sweep ${p}`} placeholder="e.g. 5, 10, 20" value={ranges[p] ?? ''} onChange={(e) => setRanges({ ...ranges, [p]: e.target.value })} />
              </label>
            ))}
            {clusters.length > 0 && (
              <label className="field">
                <span>Run on</span>
                <select aria-label="Sweep runs on" title={chosen ? clusterState(chosen) : 'This machine\'s worker pool'} value={sweepTarget} onChange={(e) => useStudio.getState().setSweepTarget(e.target.value)}>
                  <option value="">This machine</option>
                  {clusters.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name} — {clusterState(c)}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
        )}
        <div className="toolbar">
          {view === 'backtest' ? (
            <>
              <button className="primary" disabled={!draft || running || validation?.ok === false || !config.symbol} onClick={() => void useStudio.getState().runBacktest(firstTs)}>
                ▶ Run backtest
              </button>
              <label className="check small" title={recordable(draft) ? 'Also record the run as an audit session: replay it and re-run it from the Audit view (at most 50,000 bars)' : 'Save the strategy (unchanged) to record its runs in the audit log'}>
                <input type="checkbox" aria-label="Record in audit log" checked={config.record && recordable(draft)} disabled={!recordable(draft)} onChange={(e) => set({ record: e.target.checked })} />
                Record in audit log
              </label>
            </>
          ) : (
            <button
              className="primary"
              disabled={!draft || running || !sweepable}
              onClick={() => void useStudio.getState().runSweep(Object.fromEntries(Object.entries(grid).filter(([, v]) => v.length > 0 && v.every(Number.isFinite))), firstTs)}
            >
              ▶ Run sweep
            </button>
          )}
          {running && (
            <button className="small" onClick={() => void useStudio.getState().cancel()}>
              Cancel
            </button>
          )}
          {!draft && <span className="muted small">Open a strategy first.</span>}
        </div>
        {run && (
          <div className="run-progress" data-testid="backtest-progress">
            <ProgressBar label={`${run.kind} progress`} done={run.done} total={run.total || 1} />
            <span className={`small ${run.status === 'error' ? 'error-text' : 'muted'}`} data-testid="run-status">
              {run.kind} {run.status}
              {run.message ? `: ${run.message}` : ''} · {fmtNum(run.done, 0)} / {fmtNum(run.total, 0)}
            </span>
          </div>
        )}
      </div>
      {windowNote && (
        <div className="muted small run-window-note" data-testid="run-window-note">
          {windowNote}
        </div>
      )}
      <div className="run-results scroll">
        {view === 'backtest' && result && stale && (
          <div className="stale-banner" role="status" data-testid="results-stale">
            <b>STALE</b> The strategy or the run settings changed since these results: run the backtest again to see theirs.
          </div>
        )}
        {view === 'backtest' && result && <Results r={result} />}
        {view === 'sweep' && sweep && (
          <SweepResults
            s={sweep}
            onPick={(params) => {
              useStudio.getState().applyParams(params);
              setView('backtest');
            }}
          />
        )}
        {view === 'backtest' && !result && !running && <div className="muted pad">Results appear here: metrics, equity and drawdown, and the trade list.</div>}
      </div>
    </section>
  );
}

function paramsOf(source: string | undefined): string[] {
  if (!source) return [];
  try {
    const d = JSON.parse(source) as { params?: Record<string, unknown> };
    return Object.keys(d.params ?? {});
  } catch {
    return [];
  }
}

/** What a trader needs before sending a sweep to a cluster: can it run there, and on how many threads. */
function clusterState(c: SweepCluster): string {
  if (c.error) return `unreachable (${c.error})`;
  const ok = c.workers.filter((w) => w.compatible);
  const slots = ok.reduce((a, w) => a + w.slots, 0);
  if (ok.length) return `${ok.length} worker${ok.length > 1 ? 's' : ''}, ${slots} thread${slots > 1 ? 's' : ''}`;
  if (c.workers.length) return `${c.workers.length} worker${c.workers.length > 1 ? 's' : ''} on other versions (Kestrel ${[...new Set(c.workers.map((w) => w.version))].join(', ')})`;
  return 'no worker connected';
}

/** The earliest first bar among the stored datasets of a source and symbol (null when none is listed). */
function datasetsFirst(datasets: readonly { source: string; symbol: string; firstTs: number }[], source: string, symbol: string): number | null {
  let first: number | null = null;
  for (const d of datasets) if (d.source === source && d.symbol === symbol && (first === null || d.firstTs < first)) first = d.firstTs;
  return first;
}
