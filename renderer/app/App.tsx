import { useApp, type Workspace } from '../state/app.ts';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TopBar } from './TopBar.tsx';
import { useHotkeys } from './hotkeys.ts';
import { bindings, useKeymap } from '../state/keymap.ts';
import { workspaces } from './workspaces.tsx';
import { CheatSheet } from './CheatSheet.tsx';

export function App() {
  const workspace = useApp((s) => s.workspace);
  const setWorkspace = useApp((s) => s.setWorkspace);
  useHotkeys();
  const keys = bindings(useKeymap((s) => s.overrides));
  const current = workspaces.find((w) => w.id === workspace) ?? workspaces[0]!;
  return (
    <div className="shell">
      <TopBar />
      <nav className="rail" aria-label="Workspaces">
        {workspaces.map((w) => (
          <button key={w.id} className={w.id === workspace ? 'rail-item active' : 'rail-item'} onClick={() => setWorkspace(w.id as Workspace)} title={keys[`workspace.${w.id}`] ? `${w.label} (${keys[`workspace.${w.id}`]})` : w.label} aria-current={w.id === workspace ? 'page' : undefined}>
            <span className="rail-icon" aria-hidden>
              {w.icon}
            </span>
            <span className="rail-label">{w.label}</span>
          </button>
        ))}
      </nav>
      <main className="workspace" data-testid={`workspace-${current.id}`}>
        {current.render()}
      </main>
      <StatusBar />
      <Notices />
      <CheatSheet />
    </div>
  );
}
