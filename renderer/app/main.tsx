import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connect } from '../ipc/client.ts';
import { useAlerts } from '../state/alerts.ts';
import { useApp } from '../state/app.ts';
import { useConnection } from '../state/connection.ts';
import '../state/settings.ts';
import { useRisk } from '../state/risk.ts';
import { useTrading } from '../state/trading.ts';
import { App } from './App.tsx';
import './theme.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

connect()
  .then(() => Promise.all([useApp.getState().load(), useTrading.getState().load(), useRisk.getState().load(), useAlerts.getState().load()]))
  .catch((e: unknown) => useConnection.getState().set({ state: 'disconnected', detail: e instanceof Error ? e.message : String(e) }));
