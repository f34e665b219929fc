import type { ReactNode } from 'react';
import { AlertsWorkspace } from '../features/alerts/AlertsWorkspace.tsx';
import { AuditPanel } from '../features/audit/AuditPanel.tsx';
import { DataPanel } from '../features/data/DataPanel.tsx';
import { RiskPanel } from '../features/risk/RiskPanel.tsx';
import { SettingsPanel } from '../features/settings/SettingsPanel.tsx';
import { StudioPanel } from '../features/studio/StudioPanel.tsx';
import { TradeWorkspace } from './layout/TradeWorkspace.tsx';

export interface WorkspaceDef {
  id: string;
  label: string;
  icon: ReactNode;
  /** Its default hotkey is Alt+key (state/keymap.ts; the trader may rebind it). */
  key: string;
  render(): ReactNode;
}

const full = (label: string, node: ReactNode) => (
  <section className="panel full" aria-label={label}>
    {node}
  </section>
);

const svg = (d: string) => (
  <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
    <path d={d} />
  </svg>
);

const icons = {
  trade: svg('M4 19V9m5 10V5m5 14v-7m5 7V8M3 21h18'),
  studio: svg('M8 6l-5 6 5 6M16 6l5 6-5 6M13.5 4l-3 16'),
  audit: svg('M9 12l2 2 4-4M12 3l8 3v6c0 4.5-3.4 8.3-8 9-4.6-.7-8-4.5-8-9V6l8-3z'),
  risk: svg('M12 3l10 18H2L12 3zm0 6v5m0 3v.5'),
  data: svg('M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zm0 0v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3'),
  settings: svg('M4 7h10m4 0h2M4 17h4m4 0h8M14 4v6M8 14v6'),
  alerts: svg('M6 16V11a6 6 0 1112 0v5l2 2H4l2-2zm4 4h4'),
};

export const workspaces: readonly WorkspaceDef[] = [
  { id: 'trade', label: 'Trade', icon: icons.trade, key: '1', render: () => <TradeWorkspace /> },
  { id: 'studio', label: 'Studio', icon: icons.studio, key: '2', render: () => full('Strategy studio', <StudioPanel />) },
  { id: 'audit', label: 'Audit', icon: icons.audit, key: '3', render: () => full('Audit', <AuditPanel />) },
  { id: 'risk', label: 'Risk', icon: icons.risk, key: '4', render: () => full('Risk', <RiskPanel />) },
  { id: 'data', label: 'Data', icon: icons.data, key: '5', render: () => full('Data', <DataPanel />) },
  { id: 'settings', label: 'Settings', icon: icons.settings, key: '6', render: () => full('Settings', <SettingsPanel />) },
  { id: 'alerts', label: 'Alerts', icon: icons.alerts, key: '7', render: () => <AlertsWorkspace /> },
];
