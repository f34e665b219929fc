import { create } from 'zustand';
import type { EventOf, ResponseOf } from '../../main/contract/index.ts';
import { RemoteError } from '../../main/contract/index.ts';
import { call, describeError, getClient } from '../ipc/client.ts';
import { allChartStores, type Dataset } from './chart.ts';
import { useNotices } from './notices.ts';

type Quality = ResponseOf<'market.quality'>;
type Progress = EventOf<'market.backfill.progress'>;

interface DataStore {
  datasets: Dataset[];
  loaded: boolean;
  demo: ResponseOf<'market.demo.status'> | null;
  quality: { key: string; report: Quality } | null;
  job: { id: string; progress: Progress | null } | null;
  /** Why the last CSV import was refused: every bad line the host listed (capped there), cleared on success. */
  importRefusal: { message: string; issues: { path: string; message: string }[]; total: number } | null;
  load(): Promise<void>;
  checkQuality(d: Dataset): Promise<void>;
  backfill(r: { exchange: string; symbols: string[]; timeframe: string; from: number; to: number; endpoint?: string }): Promise<void>;
  cancelBackfill(): Promise<void>;
  importCsv(r: { source: string; symbol: string; timeframe: string; csv: string }): Promise<boolean>;
}

let subscribed = false;
export const datasetKey = (d: Pick<Dataset, 'source' | 'symbol' | 'timeframe'>) => `${d.source}|${d.symbol}|${d.timeframe}`;

export const useData = create<DataStore>((set, get) => ({
  datasets: [],
  loaded: false,
  demo: null,
  quality: null,
  job: null,
  importRefusal: null,
  async load() {
    if (!subscribed) {
      subscribed = true;
      getClient().on('market.backfill.progress', (p) => {
        const job = get().job;
        if (!job || job.id !== p.jobId) return;
        set({ job: { ...job, progress: p } });
        if (p.state !== 'running') {
          const failed = p.symbols.filter((s) => s.state === 'failed');
          useNotices.getState().push(
            p.state === 'failed' || failed.length
              ? { level: 'error', title: 'Backfill failed', message: failed.map((s) => `${s.symbol}: ${s.error ?? 'failed'}`).join('; ') || 'see the log' }
              : { level: 'info', title: `Backfill ${p.state}`, message: `${p.stored} candles stored` },
          );
          void get().load();
          for (const c of allChartStores()) void c.getState().loadDatasets();
        }
      });
    }
    const [ds, demo] = await Promise.all([call('market.datasets', {}), call('market.demo.status', {})]);
    set({ loaded: true, ...(ds ? { datasets: ds } : {}), ...(demo ? { demo } : {}) });
  },
  async checkQuality(d) {
    const report = await call('market.quality', { source: d.source, symbol: d.symbol, timeframe: d.timeframe });
    if (report) set({ quality: { key: datasetKey(d), report } });
  },
  async backfill(r) {
    const res = await call('market.backfill.start', r);
    if (res) set({ job: { id: res.jobId, progress: null } });
  },
  async cancelBackfill() {
    const job = get().job;
    if (job) await call('market.backfill.cancel', { jobId: job.id });
  },
  async importCsv(r) {
    let res: ResponseOf<'market.import'>;
    try {
      res = await getClient().call('market.import', r);
    } catch (e) {
      useNotices.getState().push(describeError('market.import', e));
      const details = e instanceof RemoteError ? e.details : undefined;
      const issues = Array.isArray(details?.issues) ? (details.issues as { path: string; message: string }[]) : [];
      const total = typeof details?.malformed === 'number' || typeof details?.rejected === 'number' ? Number(details.malformed ?? 0) + Number(details.rejected ?? 0) : issues.length;
      set({ importRefusal: { message: e instanceof Error ? e.message : String(e), issues, total } });
      return false;
    }
    set({ importRefusal: null });
    useNotices.getState().push({ level: 'info', title: 'CSV imported', message: `${res.stored} of ${res.rows} rows stored (${res.duplicates} duplicates) into ${r.symbol} ${r.timeframe}` });
    await get().load();
    for (const c of allChartStores()) void c.getState().loadDatasets();
    return true;
  },
}));
