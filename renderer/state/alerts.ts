import { create } from 'zustand';
import type { AlertFiring, AlertInput, AlertView, DeadLetterView } from '../../main/contract/alerts.ts';
import type { RequestOf } from '../../main/contract/index.ts';
import { call, getClient } from '../ipc/client.ts';
import { useConnection } from './connection.ts';
import { useNotices } from './notices.ts';

interface Channel {
  id: string;
  kind: string;
  format: string | null;
  enabled: boolean;
}

interface AlertsStore {
  alerts: AlertView[];
  channels: Channel[];
  history: AlertFiring[];
  deadLetters: DeadLetterView[];
  load(): Promise<void>;
  refresh(): Promise<void>;
  create(a: AlertInput): Promise<AlertView | undefined>;
  update(r: RequestOf<'alerts.update'>): Promise<void>;
  remove(id: string): Promise<void>;
  retry(id: number): Promise<void>;
}

let subscribed = false;

export const useAlerts = create<AlertsStore>((set, get) => ({
  alerts: [],
  channels: [],
  history: [],
  deadLetters: [],
  async load() {
    if (!subscribed) {
      subscribed = true;
      const c = getClient();
      c.on('alerts.changed', ({ alerts }) => set({ alerts }));
      c.on('alerts.fired', (f) => {
        set({ history: [f, ...get().history].slice(0, 200) });
        announce(f);
      });
    }
    await get().refresh();
  },
  async refresh() {
    const [list, history, dead] = await Promise.all([call('alerts.list', {}, { quiet: true }), call('alerts.history', { limit: 200 }, { quiet: true }), call('alerts.deadLetters', {}, { quiet: true })]);
    set({ ...(list ? { alerts: list.alerts, channels: list.channels } : {}), ...(history ? { history: history.firings } : {}), ...(dead ? { deadLetters: dead.deadLetters } : {}) });
  },
  async create(a) {
    const v = await call('alerts.create', a);
    if (v) useNotices.getState().push({ level: 'info', title: 'Alert created', message: v.name });
    return v;
  },
  async update(r) {
    await call('alerts.update', r);
  },
  async remove(id) {
    await call('alerts.delete', { id });
  },
  async retry(id) {
    const r = await call('alerts.retry', { id });
    if (r) useNotices.getState().push(r.delivered ? { level: 'info', title: 'Notification delivered', message: `Dead letter ${id} went through.` } : { level: 'error', title: 'Still failing', message: r.error ?? 'unknown error' });
    await get().refresh();
  },
}));

/** A firing as the trader sees it: a toast, optionally a tone, and (browser UI) a system notification. */
function announce(f: AlertFiring): void {
  useNotices.getState().push({ level: 'info', title: `Alert: ${f.name}`, message: f.message });
  if (f.sound) beep();
  // In the desktop app the main process shows it (Electron Notification); the browser asks the Web API.
  if (f.desktop && useConnection.getState().transport === 'websocket' && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(`Kestrel: ${f.name}`, { body: f.message });
  }
}

/** A short two-tone chime, synthesised: no audio file to ship. */
function beep(): void {
  try {
    const ctx = new AudioContext();
    const g = ctx.createGain();
    g.gain.value = 0.08;
    g.connect(ctx.destination);
    [880, 1320].forEach((hz, i) => {
      const o = ctx.createOscillator();
      o.frequency.value = hz;
      o.connect(g);
      o.start(ctx.currentTime + i * 0.15);
      o.stop(ctx.currentTime + i * 0.15 + 0.12);
    });
    setTimeout(() => void ctx.close(), 600);
  } catch {
    // No audio device: the toast is enough.
  }
}
