import { create } from 'zustand';
import type { ResponseOf } from '../../main/contract/index.ts';
import { call } from '../ipc/client.ts';

export type AuditSession = ResponseOf<'audit.sessions'>[number];
export type ReplayView = ResponseOf<'audit.replay'>;
export type RerunView = ResponseOf<'audit.rerun'>;

/** What the picked session's start event says it ran on (instruments for ticks/lots, data for the chart). */
export interface SessionSetup {
  instruments: { symbol: string; tickSize: string; lotSize: string }[];
  strategy?: { id: string; version: string; symbol?: string };
  data: Record<string, unknown>;
  startTs: number;
}

/** A fill or order creation on the session's timeline: scrubber ticks and chart markers. */
export interface TimelineMark {
  index: number;
  seq: number;
  ts: number;
  kind: 'fill' | 'order';
  side: 'buy' | 'sell';
  symbol: string;
  text: string;
}

interface ReplayStore {
  sessions: AuditSession[];
  sessionsLoaded: boolean;
  session: string | null;
  setup: SessionSetup | null;
  marks: TimelineMark[];
  /** Index the scrubber shows (may run ahead of `state` while a drag is being answered). */
  index: number;
  state: ReplayView | null;
  loading: boolean;
  rerun: RerunView | null;
  rerunning: boolean;
  loadSessions(): Promise<void>;
  pick(session: string): Promise<void>;
  seek(index: number): Promise<void>;
  step(delta: number): Promise<void>;
  /** Moves to the next (+1) or previous (-1) fill after / before the current index. */
  jumpFill(dir: 1 | -1): Promise<void>;
  runRerun(): Promise<void>;
}

let ticket = 0;

export const useReplay = create<ReplayStore>((set, get) => ({
  sessions: [],
  sessionsLoaded: false,
  session: null,
  setup: null,
  marks: [],
  index: -1,
  state: null,
  loading: false,
  rerun: null,
  rerunning: false,
  async loadSessions() {
    const r = await call('audit.sessions', {});
    set({ sessionsLoaded: true });
    if (!r) return;
    set({ sessions: r });
    const cur = get().session;
    if ((!cur || !r.some((s) => s.session === cur)) && r.length) await get().pick(r[0]!.session);
    else if (cur) await get().pick(cur);
  },
  async pick(session) {
    const keep = get().session === session ? get().index : null;
    set({ session, rerun: null, ...(keep === null ? { setup: null, marks: [], state: null, index: -1 } : {}) });
    const [start, ev] = await Promise.all([
      call('audit.events', { session, types: ['session-start'], limit: 1 }),
      call('audit.events', { session, types: ['fill', 'order'], limit: 1000 }),
    ]);
    if (get().session !== session) return;
    const s = start?.items[0];
    const cfg = (s?.payload as { config?: Partial<SessionSetup> & { instruments?: SessionSetup['instruments'] } } | undefined)?.config;
    const setup: SessionSetup = { instruments: cfg?.instruments ?? [], data: (cfg?.data as Record<string, unknown>) ?? {}, startTs: s?.ts ?? 0, ...(cfg?.strategy ? { strategy: cfg.strategy } : {}) };
    const marks: TimelineMark[] = [];
    for (const e of ev?.items ?? []) {
      const p = e.payload as { event?: string; fill?: Record<string, unknown>; order?: Record<string, unknown> };
      if (e.type === 'fill' && p.fill) marks.push({ index: (e.sessionSeq ?? 1) - 1, seq: e.seq, ts: e.ts, kind: 'fill', side: p.fill.side === 'sell' ? 'sell' : 'buy', symbol: String(p.fill.symbol), text: `${p.fill.side === 'sell' ? 'S' : 'B'}` });
      else if (e.type === 'order' && p.event === 'created' && p.order) marks.push({ index: (e.sessionSeq ?? 1) - 1, seq: e.seq, ts: e.ts, kind: 'order', side: p.order.side === 'sell' ? 'sell' : 'buy', symbol: String(p.order.symbol), text: 'order' });
    }
    set({ setup, marks });
    // First look: the end of the session (its latest state); a refresh keeps the scrubbed moment.
    const r = await call('audit.replay', keep !== null && keep >= 0 ? { session, index: keep } : { session });
    if (r && get().session === session) set({ state: r, index: r.index });
  },
  async seek(index) {
    const { session, state } = get();
    if (!session) return;
    const max = (state?.total ?? 1) - 1;
    const i = Math.max(0, Math.min(max, Math.round(index)));
    const mine = ++ticket;
    set({ index: i, loading: true });
    const r = await call('audit.replay', { session, index: i });
    // A drag sends many requests; only the latest answer is shown.
    if (mine !== ticket || get().session !== session) return;
    set({ loading: false, ...(r ? { state: r, index: r.index } : {}) });
  },
  async step(delta) {
    await get().seek(get().index + delta);
  },
  async jumpFill(dir) {
    const { marks, index, session } = get();
    const fills = marks.filter((m) => m.kind === 'fill');
    const target = dir > 0 ? fills.find((m) => m.index > index) : [...fills].reverse().find((m) => m.index < index);
    if (!target || !session) return;
    // By chain seq: exact even where session sequence numbers are missing.
    const mine = ++ticket;
    const r = await call('audit.replay', { session, seq: target.seq });
    if (r && mine === ticket && get().session === session) set({ state: r, index: r.index });
  },
  async runRerun() {
    const session = get().session;
    if (!session) return;
    set({ rerunning: true, rerun: null });
    const r = await call('audit.rerun', { session });
    if (get().session !== session) return;
    set({ rerunning: false, rerun: r ?? null });
  },
}));

/** Integer ticks / lots of an instrument back to decimal text (`trim`: without trailing zeros, for quantities). */
export function scaled(units: number, step: string | undefined, trim = false): string {
  if (!step) return String(units);
  const decimals = step.includes('.') ? step.split('.')[1]!.replace(/0+$/, '').length : 0;
  const s = (units * Number(step)).toFixed(decimals);
  return trim && s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
