import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function DataPanel() {
  return (
    <div className="panel-body" data-testid="panel-data">
      <PanelHeader title="Data manager" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
