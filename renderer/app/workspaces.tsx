import type { ReactNode } from 'react';
import { AuditPanel } from '../features/audit/AuditPanel.tsx';
import { BlotterPanel } from '../features/blotter/BlotterPanel.tsx';
import { ChartPanel } from '../features/chart/ChartPanel.tsx';
import { DataPanel } from '../features/data/DataPanel.tsx';
import { RiskPanel } from '../features/risk/RiskPanel.tsx';
import { SettingsPanel } from '../features/settings/SettingsPanel.tsx';
import { StudioPanel } from '../features/studio/StudioPanel.tsx';
import { TicketPanel } from '../features/ticket/TicketPanel.tsx';

export interface WorkspaceDef {
  id: string;
  label: string;
  icon: string;
  /** Alt+key switches to it. */
  key: string;
  render(): ReactNode;
}

function TradeWorkspace() {
  return (
    <div className="trade-grid">
      <section className="panel chart-area" aria-label="Chart">
        <ChartPanel />
      </section>
      <section className="panel ticket-area" aria-label="Order ticket">
        <TicketPanel />
      </section>
      <section className="panel blotter-area" aria-label="Blotter">
        <BlotterPanel />
      </section>
    </div>
  );
}

const full = (label: string, node: ReactNode) => (
  <section className="panel full" aria-label={label}>
    {node}
  </section>
);

export const workspaces: readonly WorkspaceDef[] = [
  { id: 'trade', label: 'Trade', icon: '◧', key: '1', render: () => <TradeWorkspace /> },
  { id: 'studio', label: 'Studio', icon: '⚙', key: '2', render: () => full('Strategy studio', <StudioPanel />) },
  { id: 'audit', label: 'Audit', icon: '⛓', key: '3', render: () => full('Audit', <AuditPanel />) },
  { id: 'risk', label: 'Risk', icon: '⛨', key: '4', render: () => full('Risk', <RiskPanel />) },
  { id: 'data', label: 'Data', icon: '▤', key: '5', render: () => full('Data', <DataPanel />) },
  { id: 'settings', label: 'Settings', icon: '☰', key: '6', render: () => full('Settings', <SettingsPanel />) },
];
