import { create } from 'zustand';
import type { AppInfo, EngineStatus } from '../../main/contract/index.ts';
import { call, getClient } from '../ipc/client.ts';

export type Workspace = 'trade' | 'studio' | 'audit' | 'risk' | 'data' | 'settings' | 'alerts';

interface AppState {
  info: AppInfo | null;
  engine: EngineStatus | null;
  workspace: Workspace;
  setWorkspace(w: Workspace): void;
  load(): Promise<void>;
}

export const useApp = create<AppState>((set) => ({
  info: null,
  engine: null,
  workspace: 'trade',
  setWorkspace: (workspace) => set({ workspace }),
  async load() {
    getClient().on('engine.status', (engine) => set({ engine }));
    const info = await call('app.info', {});
    if (info) set({ info, engine: info.engine });
  },
}));
