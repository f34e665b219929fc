import { create } from 'zustand';
import type { ResponseOf } from '../../main/contract/index.ts';
import type { FormingBar, IndicatorInfo, IndicatorSeries } from '../../main/contract/indicators.ts';
import { isReplayAccount } from '../../main/contract/replay.ts';
import { call } from '../ipc/client.ts';
import { useLayout, type ChartConfig } from './layout.ts';

export type Dataset = ResponseOf<'market.datasets'>[number];
export type Candles = ResponseOf<'market.candles'>;

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
/** Length of each timeframe (bars are epoch-aligned, as the host aggregates them). */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

export interface ActiveIndicator {
  spec: string;
  series: IndicatorSeries;
  color: string;
}

/** The indicator specs on the chart survive a reload (one set for every symbol, as traders use them). */
const SAVED = 'kestrel.chart.indicators';
function savedSpecs(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(SAVED) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 12) : [];
  } catch {
    return [];
  }
}
function saveSpecs(specs: string[]): void {
  try {
    localStorage.setItem(SAVED, JSON.stringify(specs));
  } catch {
    // Storage full or blocked: the set simply does not survive a reload.
  }
}

const palette = ['#f0b429', '#b37feb', '#36cfc9', '#ff85c0', '#95de64', '#ffa940', '#69b1ff'];

interface ChartState {
  datasets: Dataset[];
  datasetsLoaded: boolean;
  source: string;
  symbol: string;
  timeframe: Timeframe;
  candles: Candles | null;
  loading: boolean;
  catalog: IndicatorInfo[];
  active: ActiveIndicator[];
  /** Bumped on every full reload so the view knows to replace rather than update. */
  seq: number;
  /** Trades of a backtest shown on the chart (from the studio's trade list). */
  linked: { label: string; markers: { ts: number; side: 'buy' | 'sell'; text: string; price?: number }[] } | null;
  /** A time the chart should scroll to (a clicked trade); `n` makes repeated clicks count. */
  focus: { ts: number; n: number } | null;
  showTrades(p: { label: string; source: string; symbol: string; timeframe: Timeframe; markers: { ts: number; side: 'buy' | 'sell'; text: string; price?: number }[]; focusTs: number }): Promise<void>;
  loadDatasets(): Promise<void>;
  select(p: { source?: string; symbol?: string; timeframe?: Timeframe }): Promise<void>;
  addIndicator(spec: string): Promise<boolean>;
  /**
   * Re-reads the active indicators' series for what the chart shows: a replay's chart as its bars arrive; a
   * live chart with the bar it shows forming (`forming`), which the store holds only once closed.
   */
  refreshIndicators(forming?: FormingBar): Promise<void>;
  removeIndicator(spec: string): void;
  /** Shows what a saved layout holds for this chart (symbol, timeframe, indicator set). */
  applyConfig(c: ChartConfig): Promise<void>;
}

async function fetchSeries(source: string, symbol: string, timeframe: string, spec: string) {
  return call('indicators.series', { source, symbol, timeframe, spec });
}

const isTimeframe = (t: string): t is Timeframe => (TIMEFRAMES as readonly string[]).includes(t);

/**
 * One chart's state. The Trade screen can show several charts; chart 0 is the primary one (the ticket follows its
 * symbol, the studio draws backtest trades on it). Each chart's symbol, timeframe and indicators go into the layout.
 */
export function createChartStore(index: number) {
  const remember = (s: ChartState) => {
    // A market replay's source (its account, state/market-replay.ts) is not kept in the layout: it ends with the replay.
    if (s.symbol && !isReplayAccount(s.source)) useLayout.getState().setChartConfig(index, { source: s.source, symbol: s.symbol, timeframe: s.timeframe, indicators: s.active.map((a) => a.spec) });
    if (index === 0) saveSpecs(s.active.map((a) => a.spec));
  };
  /** Refreshes of the indicators started so far: only the newest one's answer is applied. */
  let refreshes = 0;
  return create<ChartState>((set, get) => ({
    datasets: [],
    datasetsLoaded: false,
    source: '',
    symbol: '',
    timeframe: '1h',
    candles: null,
    loading: false,
    catalog: [],
    active: [],
    seq: 0,
    linked: null,
    focus: null,
    async showTrades(p) {
      if (p.symbol !== get().symbol || p.timeframe !== get().timeframe || p.source !== get().source) await get().select({ source: p.source, symbol: p.symbol, timeframe: p.timeframe });
      set({ linked: { label: p.label, markers: p.markers }, focus: { ts: p.focusTs, n: (get().focus?.n ?? 0) + 1 } });
    },
    async loadDatasets() {
      const [ds, catalog] = await Promise.all([call('market.datasets', {}), get().catalog.length ? Promise.resolve(get().catalog) : call('indicators.list', {})]);
      set({ datasetsLoaded: true, ...(catalog ? { catalog } : {}) });
      if (!ds) return;
      set({ datasets: ds });
      if (!get().symbol && ds.length) {
        const saved = useLayout.getState().chartConfigs[index];
        if (saved && ds.some((d) => d.source === saved.source && d.symbol === saved.symbol)) return get().applyConfig(saved);
        // A fresh layout's first chart is the first watchlist market, opened by the markets column
        // (features/markets/WatchlistPanel.tsx): the venue prices the paper account trades on.
        if (index === 0 && (await call('watchlist.get', {}, { quiet: true }))?.items.length) return;
        const first = index === 0 ? (ds.find((d) => d.symbol.startsWith('BTC')) ?? ds[0]!) : ds[index % ds.length]!;
        await get().select({ source: first.source, symbol: first.symbol });
        for (const spec of index === 0 ? savedSpecs() : []) await get().addIndicator(spec);
      }
    },
    async applyConfig(c) {
      await get().select({ source: c.source, symbol: c.symbol, ...(isTimeframe(c.timeframe) ? { timeframe: c.timeframe } : {}) });
      const want = new Set(c.indicators);
      set({ active: get().active.filter((a) => want.has(a.spec)) });
      for (const spec of c.indicators) if (!get().active.some((a) => a.spec === spec)) await get().addIndicator(spec);
      remember(get());
    },
    async select(p) {
      const source = p.source ?? get().source;
      const symbol = p.symbol ?? get().symbol;
      const timeframe = p.timeframe ?? get().timeframe;
      if (!symbol || !source) return;
      set({ source, symbol, timeframe, loading: true });
      const replay = isReplayAccount(source);
      // A replay's bars come from the replay (never one after its clock), not from the store.
      const candles = replay ? await call('replay.bars', { symbol, timeframe }) : await call('market.candles', { source, symbol, timeframe });
      // A later selection may have overtaken this one while it loaded.
      if (get().symbol !== symbol || get().timeframe !== timeframe || get().source !== source) return;
      // A replay's indicators are computed by the host over the replay's bars (never past its clock), as the chart's.
      const specs = get().active.map((a) => a.spec);
      const series = await Promise.all(specs.map((s) => fetchSeries(source, symbol, timeframe, s)));
      set({
        candles: candles ?? null,
        loading: false,
        seq: get().seq + 1,
        active: get().active.flatMap((a, i) => (series[i] ? [{ ...a, series: series[i] }] : [])),
      });
      remember(get());
    },
    async addIndicator(spec) {
      const { source, symbol, timeframe } = get();
      const s = spec.trim();
      if (!s || !symbol) return false;
      const series = await fetchSeries(source, symbol, timeframe, s);
      if (!series) return false;
      const rest = get().active.filter((a) => a.series.key !== series.key);
      set({ active: [...rest, { spec: series.key, series, color: palette[(rest.length + get().seq) % palette.length]! }] });
      remember(get());
      return true;
    },
    async refreshIndicators(forming) {
      const { source, symbol, timeframe } = get();
      const specs = get().active.map((a) => a.spec);
      if (!specs.length || !symbol || !source) return;
      const mine = ++refreshes;
      const series = await Promise.all(specs.map((s) => call('indicators.series', { source, symbol, timeframe, spec: s, ...(forming ? { forming } : {}) }, { quiet: true })));
      // A later refresh (a newer live bar) may have answered first: an older answer would step the tail back.
      if (mine !== refreshes || get().source !== source || get().symbol !== symbol || get().timeframe !== timeframe) return;
      const fresh = new Map(specs.map((s, i) => [s, series[i]]));
      set({ active: get().active.map((a) => (fresh.get(a.spec) ? { ...a, series: fresh.get(a.spec)! } : a)) });
    },
    removeIndicator(spec) {
      set({ active: get().active.filter((a) => a.spec !== spec) });
      remember(get());
    },
  }));
}

export type ChartStore = ReturnType<typeof createChartStore>;

/** The primary chart. */
export const useChart = createChartStore(0);

const stores: ChartStore[] = [useChart];

/** Chart `i` of the Trade screen (created on first use, kept while the window lives so a chart hidden and shown again keeps its state). */
export function chartStore(i: number): ChartStore {
  while (stores.length <= i) stores.push(createChartStore(stores.length));
  return stores[i]!;
}

/** Every chart created so far (a new dataset must reach all their symbol lists). */
export const allChartStores = (): readonly ChartStore[] => stores;
