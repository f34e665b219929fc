import { useEffect } from 'react';
import { useApp, type Workspace } from '../state/app.ts';
import { workspaces } from './workspaces.tsx';

/** Global hotkeys: Alt+1..6 switch workspaces. Feature hotkeys (B/S for the ticket) live with their feature. */
export function useHotkeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const w = workspaces.find((x) => x.key === e.key);
      if (w) {
        e.preventDefault();
        useApp.getState().setWorkspace(w.id as Workspace);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
