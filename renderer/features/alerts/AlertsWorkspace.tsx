import { HealthPanel } from '../health/HealthPanel.tsx';
import { AlertsPanel } from './AlertsPanel.tsx';

/** Alerts and the workstation's health side by side: an SLO that breaks is an alert too. */
export function AlertsWorkspace() {
  return (
    <div className="alerts-grid">
      <section className="panel" aria-label="Alerts">
        <AlertsPanel />
      </section>
      <section className="panel" aria-label="Health">
        <HealthPanel />
      </section>
    </div>
  );
}
