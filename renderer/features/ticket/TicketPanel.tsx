import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function TicketPanel() {
  return (
    <div className="panel-body" data-testid="panel-ticket">
      <PanelHeader title="Order ticket" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
