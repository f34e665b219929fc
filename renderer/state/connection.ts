import { create } from 'zustand';

export interface ConnectionState {
  state: 'connecting' | 'connected' | 'disconnected';
  transport?: 'electron' | 'websocket';
  detail?: string;
  set(patch: Partial<Omit<ConnectionState, 'set'>>): void;
}

export const useConnection = create<ConnectionState>((set) => ({
  state: 'connecting',
  set: (patch) => set(patch),
}));
