import { ChartPanel } from '../../features/chart/ChartPanel.tsx';
import { MarketsColumn } from '../../features/markets/MarketsColumn.tsx';
import { TicketPanel } from '../../features/ticket/TicketPanel.tsx';
import { ReplayBar } from '../../features/replay/ReplayBar.tsx';
import { ReplayMarkets } from '../../features/replay/ReplayMarkets.tsx';
import { useMarketReplay } from '../../state/market-replay.ts';
import { chartStore } from '../../state/chart.ts';
import { useLayout } from '../../state/layout.ts';
import { SplitPanes, type Pane } from './SplitPanes.tsx';
import { tradePanels, type TradePanel } from './panels.tsx';

function ChartSlot({ i }: { i: number }) {
  return (
    <section className="panel chart-area" aria-label={i ? `Chart ${i + 1}` : 'Chart'}>
      <ChartPanel store={chartStore(i)} index={i} />
    </section>
  );
}

/** One to four charts: side by side up to three, two rows of two for four. */
function Charts() {
  const n = useLayout((s) => s.charts);
  const slot = (i: number): Pane => ({ key: `chart${i + 1}`, node: <ChartSlot i={i} />, initial: 1, minPx: 220 });
  if (n === 1) return <ChartSlot i={0} />;
  if (n < 4) return <SplitPanes id={`trade.charts${n}`} dir="row" label="charts" panes={Array.from({ length: n }, (_, i) => slot(i))} />;
  const row = (r: number): Pane => ({ key: `row${r + 1}`, initial: 1, minPx: 140, node: <SplitPanes id={`trade.charts4.row${r}`} dir="row" label="charts" panes={[slot(r * 2), slot(r * 2 + 1)]} /> });
  return <SplitPanes id="trade.charts4" dir="column" label="chart rows" panes={[row(0), row(1)]} />;
}

function BottomTabs({ panels }: { panels: readonly TradePanel[] }) {
  const tab = useLayout((s) => s.bottomTab);
  const current = panels.find((p) => p.id === tab) ?? panels[0]!;
  if (panels.length === 1)
    return (
      <section className="panel blotter-area" aria-label={current.title}>
        {current.render()}
      </section>
    );
  return (
    <div className="bottom-tabs">
      <div className="tab-strip" role="tablist" aria-label="Trade panels">
        {panels.map((p) => (
          <button key={p.id} role="tab" aria-selected={p.id === current.id} className={p.id === current.id ? 'active' : ''} onClick={() => useLayout.getState().setBottomTab(p.id)}>
            {p.title}
          </button>
        ))}
      </div>
      <section className="panel blotter-area" role="tabpanel" aria-label={current.title}>
        {current.render()}
      </section>
    </div>
  );
}

function SideColumn({ panels }: { panels: readonly TradePanel[] }) {
  const ticket = (
    <section className="panel ticket-area" aria-label="Order ticket">
      <TicketPanel />
    </section>
  );
  if (!panels.length) return ticket;
  const panes: Pane[] = [
    { key: 'ticket', node: ticket, initial: 3, minPx: 200 },
    ...panels.map((p) => ({
      key: p.id,
      initial: p.weight ?? 1,
      minPx: 80,
      node: (
        <section className="panel" aria-label={p.title}>
          {p.render()}
        </section>
      ),
    })),
  ];
  return <SplitPanes id={`trade.side.${panels.map((p) => p.id).join('+')}`} dir="column" label="side panels" panes={panes} />;
}

/** Charts over the bottom tabs, beside the ticket column; every split is draggable and remembered. */
export function TradeWorkspace() {
  const replay = useMarketReplay((s) => s.viewing && s.status !== null);
  const side = tradePanels.filter((p) => p.zone === 'side');
  const bottom = tradePanels.filter((p) => p.zone === 'bottom');
  // A market replay shown here (state/market-replay.ts) puts its controls over the charts; the rest binds to it.
  const charts = (
    <div className="trade-charts">
      <ReplayBar />
      <Charts />
    </div>
  );
  const main = <SplitPanes id="trade.main" dir="column" label="chart and blotter" panes={[{ key: 'charts', node: charts, initial: 3, minPx: 160 }, { key: 'bottom', node: <BottomTabs panels={bottom} />, initial: 2, minPx: 90 }]} />;
  return (
    <div className="trade-layout">
      <SplitPanes
        id="trade.columns3"
        dir="row"
        label="markets, charts and ticket"
        panes={[
          { key: 'markets', node: replay ? <ReplayMarkets /> : <MarketsColumn />, initial: 1.1, minPx: 240 },
          { key: 'main', node: main, initial: 4, minPx: 400 },
          { key: 'side', node: <SideColumn panels={side} />, initial: 1.2, minPx: 300 },
        ]}
      />
    </div>
  );
}
