import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function ChartPanel() {
  return (
    <div className="panel-body" data-testid="panel-chart">
      <PanelHeader title="Chart" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
