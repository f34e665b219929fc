import { create } from 'zustand';
import type { AuditEventRow } from '../../main/contract/audit.ts';
import type { RequestOf, ResponseOf } from '../../main/contract/index.ts';
import { call } from '../ipc/client.ts';
import { parseZoned } from '../app/format.ts';

export type AuditType = NonNullable<RequestOf<'audit.events'>['types']>[number];

export interface AuditFilters {
  type: AuditType | '';
  symbol: string;
  strategy: string;
  from: string;
  to: string;
}

interface AuditStore {
  filters: AuditFilters;
  items: AuditEventRow[];
  next: number | null;
  loading: boolean;
  loaded: boolean;
  selected: number | null;
  detail: ResponseOf<'audit.event'> | null;
  replay: ResponseOf<'audit.replay'> | null;
  verify: ResponseOf<'audit.verify'> | null;
  verifying: boolean;
  setFilters(f: Partial<AuditFilters>): void;
  load(more?: boolean): Promise<void>;
  select(seq: number): Promise<void>;
  replayAt(row: AuditEventRow): Promise<void>;
  runVerify(): Promise<void>;
}

const PAGE = 500;
/** The From/To filters are typed in the display zone. */
const toMs = (s: string) => (s ? parseZoned(s) : NaN);

export const useAudit = create<AuditStore>((set, get) => ({
  filters: { type: '', symbol: '', strategy: '', from: '', to: '' },
  items: [],
  next: null,
  loading: false,
  loaded: false,
  selected: null,
  detail: null,
  replay: null,
  verify: null,
  verifying: false,
  setFilters(f) {
    set({ filters: { ...get().filters, ...f } });
    void get().load();
  },
  async load(more = false) {
    const f = get().filters;
    const from = toMs(f.from);
    const to = toMs(f.to);
    set({ loading: true });
    const r = await call('audit.events', {
      ...(f.type ? { types: [f.type] } : {}),
      ...(f.symbol.trim() ? { symbol: f.symbol.trim() } : {}),
      ...(f.strategy.trim() ? { strategy: f.strategy.trim() } : {}),
      ...(Number.isFinite(from) ? { fromTs: from } : {}),
      ...(Number.isFinite(to) ? { toTs: to } : {}),
      ...(more && get().next !== null ? { after: get().next! } : {}),
      limit: PAGE,
    });
    set({ loading: false, loaded: true });
    if (r) set({ items: more ? [...get().items, ...r.items] : r.items, next: r.next });
  },
  async select(seq) {
    set({ selected: seq, detail: null, replay: null });
    const d = await call('audit.event', { seq });
    if (d && get().selected === seq) set({ detail: d });
  },
  async replayAt(row) {
    if (!row.session) return;
    const r = await call('audit.replay', { session: row.session, seq: row.seq });
    if (r) set({ replay: r });
  },
  async runVerify() {
    set({ verifying: true });
    const v = await call('audit.verify', {});
    set({ verifying: false, ...(v ? { verify: v } : {}) });
  },
}));
