import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function StudioPanel() {
  return (
    <div className="panel-body" data-testid="panel-studio">
      <PanelHeader title="Strategy studio" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
