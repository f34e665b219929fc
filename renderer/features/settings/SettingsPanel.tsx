import { EmptyState, PanelHeader } from '../../app/EmptyState.tsx';

export function SettingsPanel() {
  return (
    <div className="panel-body" data-testid="panel-settings">
      <PanelHeader title="Settings" />
      <EmptyState title="Nothing here yet" />
    </div>
  );
}
