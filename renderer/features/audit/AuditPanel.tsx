import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function AuditPanel() {
  return (
    <div className="panel-body" data-testid="panel-audit">
      <PanelHeader title="Audit log" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
