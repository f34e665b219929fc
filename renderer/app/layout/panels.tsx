import type { ReactNode } from 'react';
import { BlotterPanel } from '../../features/blotter/BlotterPanel.tsx';

/**
 * The Trade screen's plug-in panels. A feature adds ONE entry here and nothing else:
 * - `side` panels stack under the order ticket in the right-hand column, each resizable;
 * - `bottom` panels are tabs under the charts (the blotter first).
 * The chart(s) and the ticket are fixed parts of the screen (TradeWorkspace.tsx).
 */
export interface TradePanel {
  id: string;
  /** Tab text and the panel's accessible name (`getByRole('region', { name })`). */
  title: string;
  zone: 'side' | 'bottom';
  render(): ReactNode;
  /** Side panels: share of the column before any drag (the ticket's is 3). */
  weight?: number;
}

export const tradePanels: readonly TradePanel[] = [
  { id: 'blotter', title: 'Blotter', zone: 'bottom', render: () => <BlotterPanel /> },
];
