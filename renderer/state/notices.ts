import { create } from 'zustand';

export interface Notice {
  id: number;
  level: 'info' | 'error';
  title: string;
  message: string;
}

interface NoticesState {
  items: Notice[];
  push(n: Omit<Notice, 'id'>): void;
  dismiss(id: number): void;
}

let seq = 0;

/** Toasts for every failed command and notable event. Errors stay until dismissed; info fades. */
export const useNotices = create<NoticesState>((set, get) => ({
  items: [],
  push(n) {
    const id = ++seq;
    set({ items: [...get().items.slice(-4), { ...n, id }] });
    if (n.level === 'info') setTimeout(() => get().dismiss(id), 4000);
  },
  dismiss(id) {
    set({ items: get().items.filter((i) => i.id !== id) });
  },
}));
