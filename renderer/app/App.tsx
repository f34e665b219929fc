import { useApp, type Workspace } from '../state/app.ts';
import { Notices } from './Notices.tsx';
import { StatusBar } from './StatusBar.tsx';
import { TopBar } from './TopBar.tsx';
import { useTicketHotkeys } from '../features/ticket/hotkeys.ts';
import { useHotkeys } from './hotkeys.ts';
import { workspaces } from './workspaces.tsx';

export function App() {
  const workspace = useApp((s) => s.workspace);
  const setWorkspace = useApp((s) => s.setWorkspace);
  useHotkeys();
  useTicketHotkeys();
  const current = workspaces.find((w) => w.id === workspace) ?? workspaces[0]!;
  return (
    <div className="shell">
      <TopBar />
      <nav className="rail" aria-label="Workspaces">
        {workspaces.map((w) => (
          <button key={w.id} className={w.id === workspace ? 'rail-item active' : 'rail-item'} onClick={() => setWorkspace(w.id as Workspace)} title={`${w.label} (${w.key})`} aria-current={w.id === workspace ? 'page' : undefined}>
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
    </div>
  );
}
