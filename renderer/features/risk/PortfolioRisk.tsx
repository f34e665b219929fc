/**
 * Correlation and VaR of the account: the VaR against its cap, and the correlation heat map the bucket rule
 * reads (cells above the rule's threshold outlined). Everything comes from RiskStatus.portfolio; the panel
 * computes nothing but colours.
 */
import type { RiskPortfolioView } from '../../../main/contract/risk-views.ts';

const money = (v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 2 });
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

function every(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m % 1440 === 0 ? `${m / 1440} d` : m % 60 === 0 ? `${m / 60} h` : `${m} min`;
}

/** Diverging colour: negative blue, positive red, 0 transparent. */
function cellColour(rho: number): string {
  const a = Math.min(1, Math.abs(rho));
  return rho >= 0 ? `rgba(224, 82, 82, ${a * 0.85})` : `rgba(72, 128, 230, ${a * 0.85})`;
}

const short = (s: string) => s.split(/[/:]/)[0]!;

export function PortfolioRisk({ view }: { view: RiskPortfolioView }) {
  const v = view;
  const k = v.symbols.length;
  const ready = v.var !== null;
  const use = ready && v.maxVarPct !== null && v.varPct !== null && v.maxVarPct > 0 ? Math.min(1, v.varPct / v.maxVarPct) : null;
  return (
    <section className="card grow" data-testid="portfolio-risk">
      <h3 className="section">
        Correlation and VaR{' '}
        <span className="muted small">
          {v.method} {Math.round(v.confidence * 100)}% · 1-day · returns every {every(v.intervalMs)} · window {v.window}
        </span>
      </h3>
      {!ready ? (
        <div className="muted" data-testid="portfolio-warming">
          Collecting returns: {v.rows} of {v.needRows} needed before the correlation and VaR rules apply (they pass every order until then).
        </div>
      ) : (
        <>
          <table className="limits">
            <tbody>
              <tr data-testid="limit-var">
                <td>VaR (1-day)</td>
                <td className="use">
                  {use !== null ? (
                    <div className={`meter ${use >= 0.9 ? 'hot' : use >= 0.7 ? 'warm' : ''}`} role="meter" aria-label="VaR" aria-valuenow={Math.round(use * 100)} aria-valuemin={0} aria-valuemax={100}>
                      <div style={{ width: `${use * 100}%` }} />
                    </div>
                  ) : null}
                  <span className="num small">
                    {money(v.var!)} ({pct(v.varPct ?? 0)} of equity){v.maxVarPct !== null ? ` / ${pct(v.maxVarPct)}` : ' · no limit'}
                  </span>
                </td>
              </tr>
            </tbody>
          </table>
          {k > 1 && (
            <div className="heatmap" data-testid="correlation-heatmap" role="table" aria-label="Correlation matrix" style={{ display: 'grid', gridTemplateColumns: `max-content repeat(${k}, minmax(28px, 1fr))`, gap: 2, marginTop: 8, fontSize: 11 }}>
              <div />
              {v.symbols.map((s) => (
                <div key={`h-${s}`} className="muted" style={{ textAlign: 'center' }} title={s}>
                  {short(s)}
                </div>
              ))}
              {v.symbols.map((row, i) => [
                <div key={`r-${row}`} className="muted" style={{ paddingRight: 4 }} title={row}>
                  {short(row)}
                </div>,
                ...v.symbols.map((col, j) => {
                  const rho = v.corr[i * k + j] ?? 0;
                  const bucket = i !== j && v.threshold !== null && Math.abs(rho) > v.threshold;
                  return (
                    <div key={`${row}-${col}`} role="cell" title={`${row} × ${col}: ρ = ${rho.toFixed(3)}`} className="num" style={{ background: cellColour(rho), textAlign: 'center', padding: '3px 0', outline: bucket ? '2px solid rgba(255, 255, 255, 0.85)' : 'none', outlineOffset: -2 }}>
                      {rho.toFixed(2)}
                    </div>
                  );
                }),
              ])}
            </div>
          )}
          {v.threshold !== null && (
            <div className="muted small" style={{ marginTop: 6 }}>
              Outlined: |ρ| above {v.threshold} — one bucket, capped at {pct(v.maxBucketPct ?? 0)} of equity together.
            </div>
          )}
        </>
      )}
    </section>
  );
}
