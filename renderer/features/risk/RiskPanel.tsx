import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function RiskPanel() {
  return (
    <div className="panel-body" data-testid="panel-risk">
      <PanelHeader title="Risk" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
