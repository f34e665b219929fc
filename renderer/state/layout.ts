import { create } from 'zustand';

/** What one chart of the Trade screen shows; a saved layout carries it so a layout brings its charts back. */
export interface ChartConfig {
  source: string;
  symbol: string;
  timeframe: string;
  indicators: string[];
}

/** The arrangement of the Trade screen: split fractions by splitter id, how many charts, the open bottom tab. */
export interface LayoutSnapshot {
  sizes: Record<string, number[]>;
  charts: number;
  bottomTab: string;
  chartConfigs: ChartConfig[];
}

export const MAX_CHARTS = 4;
const CURRENT = 'kestrel.layout';
const SAVED = 'kestrel.layouts';
const MAX_SAVED = 20;

export const defaultLayout = (): LayoutSnapshot => ({ sizes: {}, charts: 1, bottomTab: 'blotter', chartConfigs: [] });

const isStr = (v: unknown): v is string => typeof v === 'string';

/** Local storage is edited by hand or by older builds: anything off-shape falls back to the default, field by field. */
export function sanitizeLayout(v: unknown): LayoutSnapshot {
  const d = defaultLayout();
  if (!v || typeof v !== 'object') return d;
  const o = v as Record<string, unknown>;
  const sizes: Record<string, number[]> = {};
  if (o.sizes && typeof o.sizes === 'object')
    for (const [k, s] of Object.entries(o.sizes as Record<string, unknown>))
      if (Array.isArray(s) && s.length >= 2 && s.length <= 8 && s.every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) sizes[k] = normalise(s as number[]);
  const charts = typeof o.charts === 'number' && Number.isInteger(o.charts) ? Math.min(MAX_CHARTS, Math.max(1, o.charts)) : d.charts;
  const chartConfigs = Array.isArray(o.chartConfigs)
    ? o.chartConfigs.slice(0, MAX_CHARTS).flatMap((c: unknown) => {
        const x = c as Record<string, unknown> | null;
        if (!x || !isStr(x.source) || !isStr(x.symbol) || !isStr(x.timeframe)) return [];
        return [{ source: x.source, symbol: x.symbol, timeframe: x.timeframe, indicators: Array.isArray(x.indicators) ? x.indicators.filter(isStr).slice(0, 12) : [] }];
      })
    : [];
  return { sizes, charts, bottomTab: isStr(o.bottomTab) ? o.bottomTab : d.bottomTab, chartConfigs };
}

/** Fractions that sum to 1 (a stored or dragged set may drift). */
export function normalise(s: readonly number[]): number[] {
  const sum = s.reduce((a, b) => a + b, 0);
  return s.map((x) => x / sum);
}

function read(key: string): unknown {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as unknown;
  } catch {
    return null;
  }
}

function write(key: string, v: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(v));
  } catch {
    // Storage full or blocked: the layout still applies for this window.
  }
}

function readSaved(): Record<string, LayoutSnapshot> {
  const v = read(SAVED);
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .slice(0, MAX_SAVED)
      .map(([k, x]) => [k, sanitizeLayout(x)]),
  );
}

interface LayoutState extends LayoutSnapshot {
  saved: Record<string, LayoutSnapshot>;
  /** Bumped when a saved layout is applied, so the charts reload their symbols and indicators from it. */
  applied: number;
  setSizes(id: string, sizes: number[]): void;
  setCharts(n: number): void;
  setBottomTab(id: string): void;
  setChartConfig(i: number, c: ChartConfig): void;
  /** Saves the current arrangement under a name (replacing one of that name). Returns a problem, if any. */
  save(name: string): string | null;
  apply(name: string): void;
  remove(name: string): void;
  reset(): void;
}

const snapshot = (s: LayoutSnapshot): LayoutSnapshot => ({ sizes: s.sizes, charts: s.charts, bottomTab: s.bottomTab, chartConfigs: s.chartConfigs });

export const useLayout = create<LayoutState>((set, get) => {
  const commit = (p: Partial<LayoutSnapshot>) => {
    set(p);
    write(CURRENT, snapshot(get()));
  };
  return {
    ...sanitizeLayout(read(CURRENT)),
    saved: readSaved(),
    applied: 0,
    setSizes: (id, sizes) => commit({ sizes: { ...get().sizes, [id]: normalise(sizes) } }),
    setCharts: (n) => commit({ charts: Math.min(MAX_CHARTS, Math.max(1, Math.round(n))) }),
    setBottomTab: (bottomTab) => commit({ bottomTab }),
    setChartConfig(i, c) {
      const next = [...get().chartConfigs];
      while (next.length < i) next.push({ ...c, indicators: [] });
      next[i] = c;
      commit({ chartConfigs: next.slice(0, MAX_CHARTS) });
    },
    save(name) {
      const n = name.trim();
      if (!n) return 'Give the layout a name';
      if (n.length > 40) return 'Keep the name under 40 characters';
      if (!(n in get().saved) && Object.keys(get().saved).length >= MAX_SAVED) return `At most ${MAX_SAVED} layouts: delete one first`;
      const saved = { ...get().saved, [n]: snapshot(get()) };
      set({ saved });
      write(SAVED, saved);
      return null;
    },
    apply(name) {
      const l = get().saved[name];
      if (!l) return;
      set({ applied: get().applied + 1 });
      commit(l);
    },
    remove(name) {
      const saved = { ...get().saved };
      delete saved[name];
      set({ saved });
      write(SAVED, saved);
    },
    reset: () => commit({ ...defaultLayout(), chartConfigs: get().chartConfigs }),
  };
});
