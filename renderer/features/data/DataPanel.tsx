import { useEffect, useState } from 'react';
import { PanelHeader } from '../../app/EmptyState.tsx';
import { fmtDuration, fmtNum, fmtTime } from '../../app/format.ts';
import { DataTable, type Col } from '../../app/ui/DataTable.tsx';
import { Badge, ProgressBar } from '../../app/ui/widgets.tsx';
import type { Dataset } from '../../state/chart.ts';
import { useConnection } from '../../state/connection.ts';
import { datasetKey, useData } from '../../state/data.ts';
import { BackfillForm, ImportForm } from './forms.tsx';
import { QualityView } from './QualityView.tsx';

/** A user's CSV is their data, not the market's: badged as imported. */
const ORIGIN_BADGE: Record<Dataset['origin'], string> = { synthetic: 'SYNTHETIC', exchange: 'MARKET', import: 'IMPORTED' };

const cols: Col<Dataset>[] = [
  { id: 'symbol', header: 'Symbol', value: (d) => d.symbol, width: 110 },
  { id: 'source', header: 'Source', value: (d) => d.source, width: 90 },
  { id: 'tf', header: 'TF', value: (d) => d.timeframe, width: 50 },
  { id: 'from', header: 'From', value: (d) => d.firstTs, cell: (d) => fmtTime(d.firstTs, false), width: 140 },
  { id: 'to', header: 'To', value: (d) => d.lastTs, cell: (d) => fmtTime(d.lastTs, false), width: 140 },
  { id: 'count', header: 'Candles', value: (d) => d.count, cell: (d) => fmtNum(d.count, 0), align: 'right', width: 90 },
  { id: 'kind', header: 'Kind', value: (d) => d.origin, cell: (d) => <Badge kind={d.origin === 'synthetic' ? 'warn' : d.origin === 'import' ? 'ok' : 'info'}>{ORIGIN_BADGE[d.origin]}</Badge>, width: 120 },
];

export function DataPanel() {
  const connected = useConnection((s) => s.state === 'connected');
  const { datasets, loaded, quality, job, demo } = useData();
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    if (connected) void useData.getState().load();
  }, [connected]);

  const p = job?.progress;
  return (
    <div className="panel-body" data-testid="panel-data">
      <PanelHeader title="Data manager">
        {demo && (
          <span className="muted small" title={demo.label}>
            Demo data: {demo.state}
            {demo.state === 'ready' ? ` · ${fmtNum(demo.candles, 0)} candles` : ''}
          </span>
        )}
      </PanelHeader>
      <div className="data-grid">
        <section className="data-list">
          <DataTable
            label="Datasets"
            testId="datasets"
            columns={cols}
            rows={datasets}
            rowKey={datasetKey}
            exportName="datasets"
            selectedKey={selected}
            onRowClick={(d) => {
              setSelected(datasetKey(d));
              void useData.getState().checkQuality(d);
            }}
            empty={loaded ? 'No datasets yet: import a CSV or run a backfill.' : 'Loading…'}
            toolbar={<span className="muted small dt-hint">Click a dataset for its quality report</span>}
          />
        </section>
        <aside className="data-side scroll">
          <section className="card">
            <h3 className="section">Quality</h3>
            {quality && quality.key === selected ? <QualityView q={quality.report} /> : <div className="muted">Select a dataset to check gaps, duplicates and outliers.</div>}
          </section>
          <section className="card">
            <h3 className="section">Backfill from an exchange</h3>
            <BackfillForm busy={p?.state === 'running' || (!!job && !p)} />
            {job && (
              <div className="backfill-progress" data-testid="backfill-progress">
                <ProgressBar label="Backfill progress" done={p?.done ?? 0} total={p?.total ?? 1} />
                <div className="muted small">
                  {p ? backfillLine(p) : 'starting…'}
                  {p?.state === 'running' && (
                    <button className="small ghost" onClick={() => void useData.getState().cancelBackfill()}>
                      Cancel
                    </button>
                  )}
                </div>
              </div>
            )}
          </section>
          <section className="card">
            <h3 className="section">Import CSV</h3>
            <ImportForm />
          </section>
        </aside>
      </div>
    </div>
  );
}

/** The progress line: rate and ETA while running; once ended, what happened, and for a failure its reason. */
export function backfillLine(p: { state: string; stored: number; rate: number; etaMs: number | null; symbols: { symbol: string; state: string; error?: string | null | undefined }[] }): string {
  if (p.state === 'running') return `running · ${fmtNum(p.stored, 0)} stored · ${fmtNum(p.rate, 0)}/s · ETA ${p.etaMs === null ? '—' : fmtDuration(p.etaMs)}`;
  const failed = p.symbols.filter((s) => s.state === 'failed');
  const reasons = failed.map((s) => `${s.symbol}: ${s.error ?? 'no reason given'}`).join('; ');
  if (p.state === 'failed' || failed.length) return `failed · ${fmtNum(p.stored, 0)} stored${reasons ? ` · ${reasons}` : ''}`;
  return `${p.state} · ${fmtNum(p.stored, 0)} stored`;
}
