import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function BlotterPanel() {
  return (
    <div className="panel-body" data-testid="panel-blotter">
      <PanelHeader title="Blotter" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
