import { create } from 'zustand';
import type { RequestOf, ResponseOf } from '../../main/contract/index.ts';
import type { BacktestResultWire } from '../../main/contract/strategy.ts';
import { call, getClient } from '../ipc/client.ts';
import { useNotices } from './notices.ts';
import { percentToFraction, resolveWindow } from './run-window.ts';

type Summary = ResponseOf<'strategy.list'>[number];
type Template = ResponseOf<'strategy.templates'>[number];
type Validation = ResponseOf<'strategy.validate'>;
export type SweepResult = ResponseOf<'sweep.get'>;
export type SweepCluster = ResponseOf<'sweep.clusters'>[number];

export interface Draft {
  id: string | null;
  name: string;
  kind: 'rules' | 'code';
  source: string;
  version: number | null;
  dirty: boolean;
}

export interface RunConfig {
  symbol: string;
  timeframe: string;
  from: string;
  to: string;
  initialCash: string;
  /** Percent, as in Settings (0.1 = 0.1 %); sent to the host as a fraction. */
  fee: string;
  dataSource: string;
  /** Record the run as an audit session (saved strategies only; see `recordable`). */
  record: boolean;
  /** Risk limits of the run: the selected account's profile (as its session enforces it), or none. */
  risk: 'account' | 'config';
}

interface Run {
  runId: string;
  kind: 'backtest' | 'sweep' | 'walk-forward';
  done: number;
  total: number;
  status: 'running' | 'ok' | 'error' | 'cancelled';
  message?: string;
}

interface StudioStore {
  list: Summary[];
  templates: Template[];
  loaded: boolean;
  draft: Draft | null;
  validation: Validation | null;
  config: RunConfig;
  run: Run | null;
  result: BacktestResultWire | null;
  resultId: string | null;
  /** What the shown result was run with (strategy source and run settings): an edit since makes it stale. */
  ranWith: string | null;
  /** What an empty From/To was resolved to for the last run (null when the trader gave both). */
  windowNote: string | null;
  sweep: SweepResult | null;
  /** Sweep clusters from the settings, with their connected workers (refreshed when the sweep tab opens). */
  clusters: SweepCluster[];
  /** Where sweeps run: '' = this machine, else a cluster id. */
  sweepTarget: string;
  /** Bumped when parameters are set from outside the form (a sweep run picked): the form shows them afresh. */
  paramsRev: number;
  load(): Promise<void>;
  open(id: string): Promise<void>;
  newFrom(t: Template | null): void;
  edit(p: Partial<Pick<Draft, 'name' | 'source'>>): void;
  /** Sets a rules strategy's parameters (those it declares) to the given values. */
  applyParams(params: Record<string, number>): void;
  validate(): Promise<void>;
  save(): Promise<void>;
  duplicate(): Promise<void>;
  remove(): Promise<void>;
  setConfig(p: Partial<RunConfig>): void;
  /** `firstTs`: the first bar of the chosen data, what an empty From resolves to. */
  runBacktest(firstTs?: number | null): Promise<void>;
  runSweep(params: Record<string, number[]>, firstTs?: number | null): Promise<void>;
  /** Fills an empty From/To with fixed dates (see resolveWindow) and returns the config to run. */
  fixWindow(firstTs: number | null): RunConfig;
  loadClusters(): Promise<void>;
  setSweepTarget(id: string): void;
  cancel(): Promise<void>;
}

const CODE_STARTER = `// A code strategy: runs in the host's sandbox on every closed candle.
export default {
  params: { fast: 10, slow: 30, qty: 0.01 },
  onCandle(ctx, bar) {
    const f = ctx.indicator(\`sma:\${ctx.params.fast}\`);
    const s = ctx.indicator(\`sma:\${ctx.params.slow}\`);
    if (f > s && ctx.position() === 0) ctx.buy(ctx.params.qty);
    else if (f < s && ctx.position() > 0) ctx.target(0);
  },
};
`;

const dayMs = (s: string) => (s ? Date.parse(`${s}T00:00:00Z`) : NaN);

let subscribed = false;
let validateTimer: ReturnType<typeof setTimeout> | undefined;

export const useStudio = create<StudioStore>((set, get) => ({
  list: [],
  templates: [],
  loaded: false,
  draft: null,
  validation: null,
  config: { symbol: 'BTC/USDT', timeframe: '1h', from: '', to: '', initialCash: '10000', fee: '0.1', dataSource: 'demo', record: false, risk: 'account' },
  run: null,
  result: null,
  resultId: null,
  ranWith: null,
  windowNote: null,
  sweep: null,
  clusters: [],
  sweepTarget: '',
  paramsRev: 0,
  async load() {
    if (!subscribed) {
      subscribed = true;
      getClient().on('backtest.progress', (p) => {
        const run = get().run;
        if (!run || run.runId !== p.runId) return;
        set({ run: { ...run, ...p } });
        if (p.status === 'running') return;
        if (p.status === 'error') useNotices.getState().push({ level: 'error', title: `The ${p.kind} failed`, message: p.message ?? 'see the log' });
        if (p.kind === 'backtest' && p.status !== 'error') {
          // Display points of the curves (a chart shows no more; a 1M-bar curve is 24 MB); exports fetch the full run.
          void call('backtest.get', { runId: p.runId, points: 10_000 }).then((r) => r && set({ result: r, resultId: p.runId }));
        } else if (p.kind !== 'backtest' && p.status !== 'error') {
          void call('sweep.get', { runId: p.runId }).then((r) => r && set({ sweep: r }));
        }
      });
    }
    const [list, templates] = await Promise.all([call('strategy.list', {}), get().templates.length ? Promise.resolve(get().templates) : call('strategy.templates', {})]);
    set({ loaded: true, ...(list ? { list } : {}), ...(templates ? { templates } : {}) });
  },
  async open(id) {
    const s = await call('strategy.get', { id });
    if (!s) return;
    set({ draft: { id: s.id, name: s.name, kind: s.kind === 'code' ? 'code' : 'rules', source: s.source, version: s.version, dirty: false }, validation: null });
    void get().validate();
  },
  newFrom(t) {
    set({ draft: t ? { id: null, name: t.title, kind: 'rules', source: t.source, version: null, dirty: true } : { id: null, name: 'New code strategy', kind: 'code', source: CODE_STARTER, version: null, dirty: true }, validation: null });
    void get().validate();
  },
  edit(p) {
    const d = get().draft;
    if (!d) return;
    set({ draft: { ...d, ...p, dirty: true } });
    clearTimeout(validateTimer);
    validateTimer = setTimeout(() => void get().validate(), 400);
  },
  applyParams(params) {
    const d = get().draft;
    if (!d || d.kind !== 'rules') return;
    let doc: { params?: Record<string, number> };
    try {
      doc = JSON.parse(d.source) as typeof doc;
    } catch {
      return;
    }
    const own = doc.params ?? {};
    const next = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, k in params ? params[k]! : v]));
    get().edit({ source: JSON.stringify({ ...doc, params: next }, null, 2) });
    set({ paramsRev: get().paramsRev + 1 });
    useNotices.getState().push({ level: 'info', title: 'Parameters loaded', message: `${Object.entries(next).map(([k, v]) => `${k} ${v}`).join(', ')}: run the backtest to see its trades` });
  },
  async validate() {
    const d = get().draft;
    if (!d) return;
    const v = await call('strategy.validate', { kind: d.kind, source: d.source });
    if (v && get().draft?.source === d.source) set({ validation: v });
  },
  async save() {
    const d = get().draft;
    if (!d) return;
    const r = await call('strategy.save', { ...(d.id ? { id: d.id } : {}), name: d.name, kind: d.kind, source: d.source });
    if (!r) return;
    set({ draft: { ...d, id: r.id, version: r.version, dirty: false } });
    useNotices.getState().push({ level: 'info', title: `Saved ${d.name}`, message: `version ${r.version} · ${r.hash.slice(0, 12)}` });
    await get().load();
  },
  async duplicate() {
    const d = get().draft;
    if (!d?.id) return;
    const r = await call('strategy.duplicate', { id: d.id, name: `${d.name} (copy)` });
    if (!r) return;
    await get().load();
    await get().open(r.id);
  },
  async remove() {
    const d = get().draft;
    if (!d?.id) return;
    if (!(await call('strategy.delete', { id: d.id }))) return;
    set({ draft: null, validation: null });
    await get().load();
  },
  setConfig(p) {
    set({ config: { ...get().config, ...p } });
  },
  async runBacktest(firstTs = null) {
    const d = get().draft;
    if (!d) return;
    const c = get().fixWindow(firstTs);
    const config = configOf(c);
    if (!config) return;
    const r = await call('backtest.run', { ...strategyRef(d), config, dataSource: c.dataSource, risk: c.risk, ...(c.record && recordable(d) ? { record: true } : {}) });
    if (r) set({ run: { runId: r.runId, kind: 'backtest', done: 0, total: 1, status: 'running' }, result: null, resultId: null, ranWith: runKey(d, c) });
  },
  fixWindow(firstTs) {
    const w = resolveWindow(get().config, firstTs, Date.now());
    set({ config: { ...get().config, from: w.from, to: w.to }, windowNote: w.note });
    return get().config;
  },
  async runSweep(params, firstTs = null) {
    const d = get().draft;
    if (!d) return;
    const cluster = get().sweepTarget;
    const config = configOf(get().fixWindow(firstTs));
    if (!config) return;
    const r = await call('sweep.run', { ...strategyRef(d), config, dataSource: get().config.dataSource, risk: get().config.risk, sweep: { params }, ...(cluster ? { cluster } : {}) });
    if (r) set({ run: { runId: r.runId, kind: 'sweep', done: 0, total: 1, status: 'running' }, sweep: null });
  },
  async loadClusters() {
    const clusters = await call('sweep.clusters', {});
    if (!clusters) return;
    set({ clusters, sweepTarget: clusters.some((c) => c.id === get().sweepTarget) ? get().sweepTarget : '' });
  },
  setSweepTarget(id) {
    set({ sweepTarget: id });
  },
  async cancel() {
    const run = get().run;
    if (run && run.status === 'running') await call('backtest.cancel', { runId: run.runId });
  },
}));

/** A run can be recorded (and re-run from the audit view) when it runs a saved, unchanged strategy. */
export function recordable(d: Draft | null): boolean {
  return !!d && !!d.id && !d.dirty && !!d.version;
}

/** A saved, unchanged strategy runs by id and version (so results cite it); anything else runs its source as is. */
function strategyRef(d: Draft): Pick<RequestOf<'backtest.run'>, 'strategyId' | 'version' | 'kind' | 'source'> {
  return d.id && !d.dirty && d.version ? { strategyId: d.id, version: d.version } : { kind: d.kind, source: d.source };
}

/** The identity of a run's inputs: the result on screen is stale once the draft or the settings differ from it. */
export function runKey(d: Draft | null, c: RunConfig): string {
  const { record: _record, ...settings } = c;
  return JSON.stringify([d?.source ?? '', settings]);
}

/** The host's config; null (with a notice) when the fee is not a percentage. */
function configOf(c: RunConfig): Record<string, unknown> | null {
  const from = dayMs(c.from);
  const to = dayMs(c.to);
  const fee = percentToFraction(c.fee);
  if (fee === null || Number(fee) >= 1) {
    useNotices.getState().push({ level: 'error', title: 'The backtest did not run: invalid input', message: `Fee rate "${c.fee}" is not a percentage below 100 (0.1 means 0.1 %)` });
    return null;
  }
  return {
    symbols: [c.symbol],
    timeframe: c.timeframe,
    initialCash: c.initialCash,
    fees: { maker: fee, taker: fee },
    ...(Number.isFinite(from) ? { from } : {}),
    ...(Number.isFinite(to) ? { to } : {}),
  };
}
